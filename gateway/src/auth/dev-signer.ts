/**
 * The dev-mode signer: without Clerk keys (and never in production) the gateway plays Clerk for a few demo users.
 * An RSA key pair is generated at start (nothing on disk: tokens die with the process), and tokens carry the claims
 * of a Clerk session token (sub, sid, iss, azp, iat, nbf, exp, and our custom `metadata`, `name`, `email`), so the
 * verifier checks them with `@clerk/backend` exactly as it checks real ones.
 */
import { randomBytes } from 'node:crypto';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import type { Role } from './token-verifier.ts';

export interface DevUser {
  id: string;
  name: string;
  email: string;
  role: Role;
}

export const DEV_USERS: readonly DevUser[] = [
  { id: 'user_demo_shopper', name: 'Sam Shopper', email: 'sam.shopper@example.com', role: 'shopper' },
  { id: 'user_demo_admin', name: 'Ada Admin', email: 'ada.admin@example.com', role: 'admin' },
  { id: 'user_demo_shopper2', name: 'Bo Buyer', email: 'bo.buyer@example.com', role: 'shopper' },
];

export const DEV_ISSUER = 'https://dev-signer.streamshop.local';
const DEV_TOKEN_TTL_SECONDS = 12 * 60 * 60;

export interface DevSigner {
  publicKeyPem: string;
  sign(user: DevUser, options?: { azp?: string; ttlSeconds?: number }): Promise<{ token: string; expiresAt: Date }>;
}

export async function createDevSigner(): Promise<DevSigner> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const publicKeyPem = await exportSPKI(publicKey);
  const kid = `ins_dev_${randomBytes(6).toString('hex')}`;
  return {
    publicKeyPem,
    async sign(user, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const exp = now + (options.ttlSeconds ?? DEV_TOKEN_TTL_SECONDS);
      const token = await new SignJWT({
        sid: `sess_dev_${randomBytes(12).toString('hex')}`,
        azp: options.azp ?? 'http://localhost:18080',
        metadata: { role: user.role },
        name: user.name,
        email: user.email,
      })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
        .setSubject(user.id)
        .setIssuer(DEV_ISSUER)
        .setIssuedAt(now)
        .setNotBefore(now - 5)
        .setExpirationTime(exp)
        .sign(privateKey);
      return { token, expiresAt: new Date(exp * 1000) };
    },
  };
}
