import { describe, expect, it } from 'vitest';
import { readDevSession } from './dev-session.ts';

const user = { id: 'user_demo_shopper', name: 'Sam Shopper', role: 'shopper' as const };
const now = Date.parse('2026-01-01T12:00:00Z');

describe('dev session', () => {
  it('reads a valid stored session', () => {
    const s = { token: 't', expiresAt: '2026-01-01T13:00:00Z', user };
    expect(readDevSession(JSON.stringify(s), now)).toEqual(s);
  });

  it('treats an expired, nearly expired or malformed session as signed out', () => {
    expect(readDevSession(JSON.stringify({ token: 't', expiresAt: '2026-01-01T11:00:00Z', user }), now)).toBeNull();
    expect(readDevSession(JSON.stringify({ token: 't', expiresAt: '2026-01-01T12:00:10Z', user }), now)).toBeNull();
    expect(readDevSession(JSON.stringify({ token: 't', user }), now)).toBeNull();
    expect(readDevSession('nope', now)).toBeNull();
    expect(readDevSession(null, now)).toBeNull();
  });
});
