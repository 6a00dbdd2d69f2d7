/**
 * The OpenAPI 3 document, generated from the routes' TypeBox schemas (the one source of validation and types), at
 * `/openapi.json`, and Swagger UI at `/docs`. Register before the routes: @fastify/swagger collects them as they are
 * added.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

async function openapi(app: FastifyInstance) {
  await app.register(swagger, {
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
