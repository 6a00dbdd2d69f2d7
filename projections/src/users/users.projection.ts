/**
 * The `users` read model: one document per Clerk user, folded from users.events (the Clerk webhooks the user
 * service recorded). A deleted user keeps a document marked `deleted` (orders still name them); the profile fields
 * are Clerk's last report.
 */
import type { ProjectionDefinition } from '@streamshop/projection-runtime';
import type { RecordTypes, UserRole } from '@streamshop/schemas/types';

export interface UserDocument {
  _id: string;
  id: string;
  name: string | null;
  email: string | null;
  imageUrl: string | null;
  role: UserRole;
  deleted: boolean;
  /** When Clerk sent the last event applied (epoch ms). */
  updatedAt: number;
  version: number;
}

type Profile = RecordTypes['streamshop.users.UserProfileRecorded'];

export const usersProjection: ProjectionDefinition<UserDocument> = {
  model: 'users',
  collection: 'users',
  topics: ['users.events'],
  indexes: [{ key: { email: 1 }, name: 'email' }],
  target: (event) => ({ id: event.meta.aggregateId }),
  apply(doc, event) {
    const id = event.meta.aggregateId;
    const { sentAt } = event.value as { sentAt: number };
    const meta = { updatedAt: Number(sentAt), version: event.meta.aggregateVersion };
    if (event.type === 'streamshop.users.UserDeleted') {
      return {
        ...(doc ?? { _id: id, id, name: null, email: null, imageUrl: null, role: 'shopper' as const }),
        deleted: true,
        ...meta,
      };
    }
    const { name, email, imageUrl, role } = event.value as unknown as Profile;
    return { _id: id, id, name, email, imageUrl, role, deleted: false, ...meta };
  },
  cacheEntries: (doc) => [{ kind: 'id', id: doc._id }],
};
