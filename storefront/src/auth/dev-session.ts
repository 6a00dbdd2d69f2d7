/**
 * The dev signer's session as the storefront keeps it (localStorage, so it survives a reload like Clerk's does):
 * the token and user from POST /api/dev/login, valid until its expiry.
 */
import type { DevLogin } from '../api/types.ts';

export const DEV_SESSION_KEY = 'streamshop.dev-session.v1';

/** A stored session that is well-formed and still valid at `now` (with a margin so a token never expires mid-call). */
export function readDevSession(raw: string | null, now: number, marginMs = 30_000): DevLogin | null {
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Partial<DevLogin>;
    if (typeof s.token !== 'string' || typeof s.expiresAt !== 'string' || typeof s.user?.id !== 'string') return null;
    const expires = Date.parse(s.expiresAt);
    if (!Number.isFinite(expires) || expires - marginMs <= now) return null;
    return s as DevLogin;
  } catch {
    return null;
  }
}
