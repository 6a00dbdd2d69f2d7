/**
 * How the TypeBox schemas validate requests: Fastify's own Ajv compiler (formats, shared schemas, the server's
 * `ajv` options), in two flavours chosen by the part of the request. Query strings, path params and headers are text,
 * so they are coerced to their schema's types (`?limit=10` is the number 10, `?ids=a` the array ['a']). JSON bodies
 * already carry their types, so a body must match its schema exactly: `"quantity": "2"` is a 400, not 2 — coercion
 * there would accept what the client did not mean and hide client bugs (and anyOf-with-null unions coerce surprisingly).
 *
 * Fastify lowercases header schemas' property names only for its default compiler; with this one, header schemas
 * must name headers in lower case (they all do: `idempotency-key`, `stripe-signature`…).
 */
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler } from 'fastify';

type PoolOptions = Parameters<ReturnType<typeof AjvCompiler>>[1];
type ExternalSchemas = Parameters<ReturnType<typeof AjvCompiler>>[0];

/** A `schemaController.compilersFactory.buildValidator` for Fastify: coerced text parts, exact JSON bodies. */
export function requestValidators(): ReturnType<typeof AjvCompiler> {
  // One pool per app (not per module): compiled validators are cached in it by schemas and options.
  const fromPool = AjvCompiler();
  const build = (externalSchemas: ExternalSchemas, serverAjv?: { customOptions?: object }) => {
    const options = serverAjv ?? {};
    const customOptions = options.customOptions ?? {};
    // At run time a pooled compiler takes Fastify's route definition ({ schema, httpPart, … }), whatever its typings say.
    const compiler = (custom: object) =>
      fromPool(externalSchemas, {
        ...options,
        customOptions: custom,
      } as PoolOptions) as unknown as FastifySchemaCompiler<unknown>;
    const text = compiler(customOptions);
    const json = compiler({ ...customOptions, coerceTypes: false });
    const compile: FastifySchemaCompiler<unknown> = (route) => (route.httpPart === 'body' ? json(route) : text(route));
    return compile;
  };
  return build as unknown as ReturnType<typeof AjvCompiler>;
}
