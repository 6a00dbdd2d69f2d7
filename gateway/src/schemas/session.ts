/** HTTP schemas of the session routes: public configuration, the signed-in caller, and dev sign-in (`session.routes.ts`, `dev.routes.ts`). */
import { type Static, Type } from 'typebox';
import { IsoTime } from './common.ts';

export const Role = Type.Union([Type.Literal('shopper'), Type.Literal('admin')]);
export type Role = Static<typeof Role>;

export const PublicConfig = Type.Object(
  {
    auth: Type.Union([Type.Literal('clerk'), Type.Literal('dev')]),
    clerkPublishableKey: Type.Optional(Type.String()),
    stripePublishableKey: Type.Optional(Type.String()),
    stripeTestMode: Type.Boolean(),
    paypalClientId: Type.Optional(Type.String()),
    currency: Type.Literal('EUR'),
    maxUnitsPerSku: Type.Integer({
      minimum: 1,
      description: 'Most units of one SKU an order may hold (the cart caps quantities to it).',
    }),
  },
  { title: 'PublicConfig', description: 'How the storefront signs in and pays.' },
);
export type PublicConfig = Static<typeof PublicConfig>;

export const Me = Type.Object(
  {
    id: Type.String(),
    role: Role,
    name: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
  },
  { title: 'Me' },
);
export type Me = Static<typeof Me>;

export const DevUser = Type.Object({ id: Type.String(), name: Type.String(), email: Type.String(), role: Role });
export type DevUser = Static<typeof DevUser>;

export const DevLoginBody = Type.Object(
  { userId: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
export type DevLoginBody = Static<typeof DevLoginBody>;

export const DevLogin = Type.Object({ token: Type.String(), expiresAt: IsoTime, user: DevUser });
export type DevLogin = Static<typeof DevLogin>;
