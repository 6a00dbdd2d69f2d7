import { describe, expect, it } from 'vitest';
import { principalFromClaims } from './token-verifier.ts';

describe('principalFromClaims', () => {
  it('takes the role from the metadata claim; anything but admin is a shopper', () => {
    expect(principalFromClaims({ sub: 'user_1', sid: 'sess_1', metadata: { role: 'admin' } })).toEqual({
      id: 'user_1',
      role: 'admin',
      sessionId: 'sess_1',
    });
    expect(principalFromClaims({ sub: 'user_2', metadata: { role: 'superuser' } }).role).toBe('shopper');
    expect(principalFromClaims({ sub: 'user_3' }).role).toBe('shopper');
    expect(principalFromClaims({ sub: 'user_4', public_metadata: { role: 'admin' } }).role).toBe('admin');
  });

  it('keeps name and email when the session token carries them', () => {
    expect(principalFromClaims({ sub: 'u', name: 'Ada', email: 'ada@example.com', sid: '' })).toEqual({
      id: 'u',
      role: 'shopper',
      sessionId: null,
      name: 'Ada',
      email: 'ada@example.com',
    });
  });

  it('refuses a token without a subject', () => {
    expect(() => principalFromClaims({ sid: 'sess' })).toThrow(/no user/);
  });
});
