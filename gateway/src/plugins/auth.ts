/**
 * Authentication and roles. A route opts in with `config.auth`: `'user'` (any signed-in caller) or `'admin'`.
 * The check runs in `preParsing`: after the rate limiter (an `onRequest` hook of each route), so every guess at a token
 * counts against the caller's limit, and before the body is read, so an anonymous caller learns nothing about
 * validation.
 * Missing, forged or expired tokens → 401 problem; a shopper on an admin route → 403. The token comes from
 * `Authorization: Bearer …`, or `?access_token=` on routes with `config.tokenInQuery` (EventSource cannot set headers).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Principal, TokenVerifier } from '../auth/token-verifier.ts';
import { HttpProblem } from './problem-json.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: 'user' | 'admin';
    tokenInQuery?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** OpenAPI security requirement of routes that need a token. */
export const bearerAuth = [{ bearerAuth: [] }];

function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new HttpProblem(401, 'token_invalid', 'the Authorization header must be "Bearer <token>"');
    return m[1];
  }
  if (request.routeOptions.config.tokenInQuery) {
    const q = (request.query ?? {}) as { access_token?: unknown };
    if (typeof q.access_token === 'string' && q.access_token !== '') return q.access_token;
  }
  return undefined;
}

/** The authenticated caller of a route that declared `config.auth` (its hook guarantees one). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new HttpProblem(401, 'token_missing', 'sign in first');
  return request.principal;
}

async function auth(app: FastifyInstance, { verifier }: { verifier: TokenVerifier }) {
  app.decorateRequest('principal', null);
  app.addHook('preParsing', async (request) => {
    const required = request.routeOptions.config.auth;
    if (!required) return;
    const token = tokenOf(request);
    if (!token)
      throw new HttpProblem(401, 'token_missing', 'this route needs a session token (Authorization: Bearer …)');
    request.principal = await verifier.verify(token);
    if (required === 'admin' && request.principal.role !== 'admin') {
      throw new HttpProblem(403, 'forbidden', 'this route is for admins');
    }
  });
}

export const authPlugin = fp(auth, { name: 'auth' });
