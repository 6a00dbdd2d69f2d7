/**
 * TypeBox schemas shared by every route group: money, problems, ids, pagination. These objects are the single source
 * of request validation, of the handlers' TypeScript types (through the type provider) and of the OpenAPI document.
 */
import { type Static, type TLiteral, type TUnion, Type } from 'typebox';

export const Money = Type.Object(
  {
    amount: Type.Integer({ description: 'Minor units of the currency (1999 = 19.99 EUR).' }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code, e.g. EUR.' }),
  },
  { title: 'Money', description: 'An amount of money; never a float.' },
);
export type Money = Static<typeof Money>;

export const Problem = Type.Object(
  {
    type: Type.String({ description: 'URI identifying the problem type.' }),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable snake_case code to branch on (e.g. out_of_stock, invalid_request).' }),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { title: 'Problem', description: 'RFC 9457 problem details (application/problem+json).' },
);
export type Problem = Static<typeof Problem>;

/** Order, product and user ids: short and printable; anything else is not one of ours (400, not a lookup). */
export const Id = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.:-]+$' });

export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

export const Cursor = Type.String({ minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9_-]+$' });

type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

/**
 * A union of string literals built from a list declared elsewhere (the order statuses), one `const` per value in
 * the list's order: the schema, and so the OpenAPI document, is what writing `Type.Literal` per value gives. `map`
 * loses the tuple, and TypeBox infers the static type from the tuple, hence the one assertion.
 */
export function LiteralUnion<const T extends readonly string[]>(values: T): TUnion<Literals<T>> {
  return Type.Union(values.map((value) => Type.Literal(value))) as TUnion<Literals<T>>;
}

/** A problem response documented with what it means on one route (the codes it carries there). */
export function describedProblem(description: string): typeof Problem {
  return { ...Problem, description } as typeof Problem;
}

/** Problem responses a route documents, by status (the error handler sends them; they share one schema). */
export function problems(...statuses: number[]): Record<number, typeof Problem> {
  return Object.fromEntries(statuses.map((s) => [s, Problem]));
}

export const IsoTime = Type.String({ format: 'date-time' });
