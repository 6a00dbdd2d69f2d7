/**
 * The `users` read model: one document per Clerk user, folded from users.events (the Clerk webhooks the user
 * service recorded). A deleted user keeps a document marked `deleted` (orders still name them); the profile fields
 * are Clerk's last report.
 *
 * For the admin's customer list it also keeps, derived from the profile at fold time (so a rebuild derives them
 * again): `searchText`, the lower-cased name and e-mail a search matches; `sortName`, what the list sorts by (the
 * name, else the e-mail, else the id, lower-cased); and `firstSeenAt`, when Clerk first reported the user.
 */
import type { ProjectedEvent, ProjectionDefinition } from '@streamshop/projection-runtime';
import { recordNames, type UserRole } from '@streamshop/schemas/types';

export interface UserDocument {
  _id: string;
  id: string;
  name: string | null;
  email: string | null;
  imageUrl: string | null;
  role: UserRole;
  deleted: boolean;
  searchText: string;
  sortName: string;
  /** When Clerk sent the first event applied (epoch ms). */
  firstSeenAt: number;
  /** When Clerk sent the last event applied (epoch ms). */
  updatedAt: number;
  version: number;
}

type UserEvent = ProjectedEvent<(typeof recordNames.users.events)[number]>;

/** The fields derived from the profile for search and sorting. */
export function customerKeys(id: string, name: string | null, email: string | null) {
  return {
    searchText: [name, email].filter(Boolean).join(' ').toLowerCase(),
    sortName: (name || email || id).toLowerCase(),
  };
}

export const usersProjection: ProjectionDefinition<UserDocument, UserEvent> = {
  model: 'users',
  collection: 'users',
  topics: ['users.events'],
  events: recordNames.users.events,
  indexes: [
    { key: { email: 1 }, name: 'email' },
    { key: { sortName: 1, _id: 1 }, name: 'sort_name' },
  ],
  target: (event) => ({ id: event.meta.aggregateId }),
  apply(doc, event) {
    const id = event.meta.aggregateId;
    const { sentAt } = event.value;
    const meta = {
      firstSeenAt: doc?.firstSeenAt ?? Number(sentAt),
      updatedAt: Number(sentAt),
      version: event.meta.aggregateVersion,
    };
    if (event.type === 'streamshop.users.UserDeleted') {
      const known = doc ?? { _id: id, id, name: null, email: null, imageUrl: null, role: 'shopper' as const };
      return { ...known, ...customerKeys(id, known.name, known.email), deleted: true, ...meta };
    }
    const { name, email, imageUrl, role } = event.value;
    return { _id: id, id, name, email, imageUrl, role, deleted: false, ...customerKeys(id, name, email), ...meta };
  },
  cacheEntries: (doc) => [{ kind: 'id', id: doc._id }],
};
