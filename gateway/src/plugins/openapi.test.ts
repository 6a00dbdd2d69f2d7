import Fastify from 'fastify';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { IdParams, problems } from '../schemas/common.ts';
import { openapiPlugin } from './openapi.ts';

interface Operation {
  responses: Record<string, { content?: Record<string, unknown> }>;
}

/** The OpenAPI document of an app with the plugin and a few routes shaped like ours. */
async function documentOf() {
  const app = Fastify();
  await app.register(openapiPlugin);
  app.get(
    '/public/:id',
    { schema: { params: IdParams, response: { 200: Type.Object({}), ...problems(404) } } },
    () => ({}),
  );
  app.get(
    '/mine',
    { config: { auth: 'user' }, schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } } },
    () => ({ ok: true }),
  );
  app.post(
    '/admin',
    { config: { auth: 'admin' }, schema: { body: Type.Object({}), response: problems(409) } },
    () => ({}),
  );
  app.get('/unlimited', { config: { rateLimit: false }, schema: { response: { 200: Type.String() } } }, () => '');
  await app.ready();
  const doc = (await app.inject('/openapi.json')).json() as { paths: Record<string, Record<string, Operation>> };
  await app.close();
  return (path: string, method: string) => doc.paths[path]![method]!.responses;
}

const mediaTypes = (r: Record<string, { content?: Record<string, unknown> }>) =>
  Object.fromEntries(Object.entries(r).map(([status, { content }]) => [status, Object.keys(content ?? {})]));

describe('the OpenAPI document', () => {
  it('documents problems as application/problem+json, as problem-json.ts sends them', async () => {
    const responses = await documentOf();
    expect(mediaTypes(responses('/public/{id}', 'get'))).toMatchObject({
      200: ['application/json'],
      404: ['application/problem+json'],
    });
    expect(mediaTypes(responses('/admin', 'post'))[409]).toEqual(['application/problem+json']);
  });

  it("documents what the shared plugins answer on each route they guard: 429, 401/403, a body's 400/413/415, a path's 414", async () => {
    const responses = await documentOf();
    expect(Object.keys(responses('/public/{id}', 'get')).sort()).toEqual(['200', '404', '414', '429']);
    expect(Object.keys(responses('/mine', 'get')).sort()).toEqual(['200', '401', '429']);
    expect(Object.keys(responses('/admin', 'post')).sort()).toEqual(['400', '401', '403', '409', '413', '415', '429']);
    expect(Object.keys(responses('/unlimited', 'get'))).toEqual(['200']);
    for (const status of ['401', '403', '413', '415', '429']) {
      expect(mediaTypes(responses('/admin', 'post'))[status], status).toEqual(['application/problem+json']);
    }
  });
});
