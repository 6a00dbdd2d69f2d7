import { given, projected } from '@streamshop/projection-runtime';
import { describe, expect, it } from 'vitest';
import { usersProjection } from './users.projection.ts';

const T0 = 1_790_000_000_000;
const profile = (version: number, name: string, role = 'shopper') =>
  projected(
    'users.events',
    'streamshop.users.UserProfileRecorded',
    { svixId: `msg_${version}`, sentAt: T0 + version, name, email: 'ada@example.com', imageUrl: null, role },
    { aggregateId: 'user_1', version, at: T0 + 60_000 },
  );
const deleted = (version: number) =>
  projected(
    'users.events',
    'streamshop.users.UserDeleted',
    { svixId: `msg_${version}`, sentAt: T0 + version },
    { aggregateId: 'user_1', version, at: T0 + 60_000 },
  );

describe('users projection', () => {
  it('holds the profile Clerk reported last, with its time', () => {
    const doc = given(usersProjection, profile(1, 'Ada Lovelace'), profile(2, 'Augusta Ada King', 'admin')).doc(
      'user_1',
    );
    expect(doc).toEqual({
      _id: 'user_1',
      id: 'user_1',
      name: 'Augusta Ada King',
      email: 'ada@example.com',
      imageUrl: null,
      role: 'admin',
      deleted: false,
      searchText: 'augusta ada king ada@example.com',
      sortName: 'augusta ada king',
      firstSeenAt: T0 + 1,
      updatedAt: T0 + 2,
      version: 2,
    });
  });

  it('marks a deleted user, keeping what was known of them', () => {
    const doc = given(usersProjection, profile(1, 'Ada Lovelace'), deleted(2)).doc('user_1');
    expect(doc).toMatchObject({ name: 'Ada Lovelace', deleted: true, updatedAt: T0 + 2, version: 2 });
    expect(given(usersProjection, deleted(1)).doc('user_1')).toMatchObject({ id: 'user_1', name: null, deleted: true });
  });

  it('sorts a customer without a name by e-mail, and one with neither by id', () => {
    const anonymous = (version: number, name: string | null, email: string | null) =>
      projected(
        'users.events',
        'streamshop.users.UserProfileRecorded',
        { svixId: `msg_${version}`, sentAt: T0 + version, name, email, imageUrl: null, role: 'shopper' },
        { aggregateId: 'User_9', version },
      );
    expect(given(usersProjection, anonymous(1, null, 'Zed@Example.com')).doc('User_9')).toMatchObject({
      searchText: 'zed@example.com',
      sortName: 'zed@example.com',
    });
    expect(given(usersProjection, anonymous(1, null, null)).doc('User_9')).toMatchObject({
      searchText: '',
      sortName: 'user_9',
    });
  });

  it('applies each event once, in version order', () => {
    const doc = given(usersProjection, profile(1, 'Ada'), profile(2, 'Augusta'), profile(1, 'Ada')).doc('user_1');
    expect(doc).toMatchObject({ name: 'Augusta', version: 2 });
  });
});
