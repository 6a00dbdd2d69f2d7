/**
 * The OpenAPI 3 document, generated from the routes' TypeBox schemas (the one source of validation and types), at
 * `/openapi.json`, and Swagger UI at `/docs`. Register before the routes: @fastify/swagger collects them as they are
 * added.
 *
 * The document must say what the gateway really answers, because clients and the Schemathesis run in CI hold it to
 * that: problems are served as `application/problem+json` (not the `application/json` a bare schema would get), and
 * the answers the shared plugins give on any route (the rate limiter's 429, auth's 401/403, body parsing's
 * 400/413/415, the router's 414) are documented on each route they can come from, not left for each route to remember.
 */
import swagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { Problem } from '../schemas/common.ts';

type Transform = NonNullable<FastifyDynamicSwaggerOptions['transform']>;
type ResponseSchemas = Record<string, unknown>;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A problem response in the media type problem-json.ts sends it with. */
function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: Problem } } };
}

function isProblemSchema(schema: unknown): boolean {
  return (
    schema === Problem ||
    (typeof schema === 'object' && schema !== null && 'title' in schema && schema.title === 'Problem')
  );
}

/** The statuses the shared plugins can answer on this route, whatever its handler does. */
export function pluginStatuses(route: Pick<RouteOptions, 'method' | 'url' | 'config'>): Record<number, string> {
  const config = (route.config ?? {}) as { auth?: 'user' | 'admin'; rateLimit?: unknown };
  const methods = [route.method].flat();
  const out: Record<number, string> = {};
  // hardening.ts: the global limiter counts every route unless the route opts out.
  if (config.rateLimit !== false) out[429] = 'Too many requests from this client (`rate_limited`); see Retry-After.';
  // auth.ts: checked in onRequest on routes that declare `config.auth`.
  if (config.auth)
    out[401] = 'No session token, or a malformed, forged or expired one (`token_missing`, `token_invalid`).';
  if (config.auth === 'admin') out[403] = 'Signed in, but not an admin (`forbidden`).';
  // Fastify parses a body on these methods whenever one is sent, whether or not the route reads it.
  if (methods.some((m) => BODY_METHODS.has(m))) {
    out[400] = 'The request is invalid (`invalid_request`, `malformed_json`, …).';
    out[413] = 'The body is larger than the gateway accepts (`payload_too_large`).';
    out[415] = 'The body is not JSON (`unsupported_media_type`).';
  }
  // problem-json.ts: a path parameter longer than the router takes (MAX_PATH_PARAM_LENGTH) never reaches a schema.
  if (route.url.includes(':')) out[414] = 'A path parameter is far longer than any id (`uri_too_long`).';
  return out;
}

/** The route's own responses with problems in their media type, plus what the shared plugins answer. */
export const documentProblems: Transform = ({ schema, url, route }) => {
  if (!schema || !route) return { schema, url };
  const own = (schema.response ?? {}) as ResponseSchemas;
  const response: ResponseSchemas = {};
  for (const [status, s] of Object.entries(own)) {
    response[status] = isProblemSchema(s)
      ? problemResponse((s as { description?: string }).description ?? 'A problem')
      : s;
  }
  for (const [status, description] of Object.entries(pluginStatuses(route))) {
    response[status] ??= problemResponse(description);
  }
  return { schema: { ...schema, response }, url };
};

async function openapi(app: FastifyInstance) {
  await app.register(swagger, {
    transform: documentProblems,
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'streamshop gateway',
        version: '1.0.0',
        description:
          'Queries read the CQRS read models; commands go to Kafka and are answered once their reply arrives ' +
          "(202, or 4xx problem+json with the decider's code; 202 `pending` past a bounded wait). Errors are " +
          'application/problem+json with a stable `code`.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'Clerk session JWT' },
        },
      },
      tags: [
        { name: 'products', description: 'Catalog queries' },
        { name: 'orders', description: 'Order queries, commands and live events' },
        { name: 'payments', description: 'Checkout with Stripe or PayPal' },
        { name: 'session', description: 'Who is signed in, public configuration, dev login' },
        { name: 'admin', description: 'Admin-only queries' },
        { name: 'webhooks', description: 'Provider webhooks (signature-verified)' },
        { name: 'ops', description: 'Health, readiness, metrics' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

export const openapiPlugin = fp(openapi, { name: 'openapi' });
