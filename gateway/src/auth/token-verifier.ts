/**
 * Who is calling: Clerk session tokens verified with `@clerk/backend`'s `verifyToken` — networkless with the instance's
 * PEM public key (`CLERK_JWT_KEY`), or through the instance's JWKS (`CLERK_SECRET_KEY`). Without Clerk keys and outside
 * production, the dev signer (`dev-signer.ts`) issues tokens of the same shape and they go through the very same
 * `verifyToken` call with its public key, so dev mode exercises the production code path.
 *
 * Roles come from the token's `metadata.role` claim: in the Clerk dashboard, customise the session token with
 * `{ "metadata": "{{user.public_metadata}}", "name": "{{user.full_name}}", "email": "{{user.primary_email_address}}" }`
 * and give admins `public_metadata.role = "admin"`. Anyone else is a shopper.
 */
import { verifyToken } from '@clerk/backend';
import { HttpProblem } from '../plugins/problem-json.ts';

export type Role = 'shopper' | 'admin';

export interface Principal {
  id: string;
  role: Role;
  sessionId: string | null;
  name?: string;
  email?: string;
  /** When the session token stops being valid (epoch ms, from `exp`): long-lived responses (SSE) end there. */
  expiresAt?: number;
}

export interface TokenVerifier {
  mode: 'clerk' | 'dev';
  /** The caller, or throws a 401 HttpProblem (`token_invalid`, `token_expired`). */
  verify(token: string): Promise<Principal>;
}

export type VerifyKey = { jwtKey: string } | { secretKey: string };

export function principalFromClaims(claims: Record<string, unknown>): Principal {
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '') throw new HttpProblem(401, 'token_invalid', 'the token names no user');
  const metadata = (claims.metadata ?? claims.public_metadata ?? {}) as { role?: unknown };
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const name = str(claims.name);
  const email = str(claims.email);
  return {
    id: sub,
    role: metadata.role === 'admin' ? 'admin' : 'shopper',
    sessionId: str(claims.sid) ?? null,
    ...(name ? { name } : {}),
    ...(email ? { email } : {}),
    ...(typeof claims.exp === 'number' ? { expiresAt: claims.exp * 1000 } : {}),
  };
}

export function clerkTokenVerifier(
  key: VerifyKey,
  options: { mode: 'clerk' | 'dev'; authorizedParties?: string[] | undefined },
): TokenVerifier {
  return {
    mode: options.mode,
    async verify(token) {
      let claims: Record<string, unknown>;
      try {
        claims = (await verifyToken(token, {
          ...key,
          ...(options.authorizedParties ? { authorizedParties: options.authorizedParties } : {}),
        })) as Record<string, unknown>;
      } catch (err) {
        const reason = (err as { reason?: string }).reason;
        if (reason === 'token-expired') throw new HttpProblem(401, 'token_expired', 'the session token has expired');
        throw new HttpProblem(401, 'token_invalid', 'the session token is not valid');
      }
      return principalFromClaims(claims);
    },
  };
}
