/** HTTP schemas of the order queries and commands (`orders.routes.ts`). */
import { ORDER_STATUSES } from '@streamshop/schemas/order-status';
import { type Static, Type } from 'typebox';
import { Cursor, describedProblem, Id, IsoTime, LiteralUnion, Money } from './common.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** The order statuses, from the one list (`@streamshop/schemas/order-status`): a union of literals, in its order. */
export const OrderStatus = LiteralUnion(ORDER_STATUSES);
export type OrderStatus = Static<typeof OrderStatus>;

/** `full` once the refunds reach what was paid, `partial` below it, `none` before any refund. */
export const RefundStatus = Type.Union([Type.Literal('none'), Type.Literal('partial'), Type.Literal('full')]);
export type RefundStatus = Static<typeof RefundStatus>;

export const PaymentProviderName = Type.Union([Type.Literal('stripe'), Type.Literal('paypal')]);
export type PaymentProviderName = Static<typeof PaymentProviderName>;

export const Address = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    line1: Type.String({ minLength: 1, maxLength: 200 }),
    line2: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    postalCode: Type.String({ minLength: 1, maxLength: 20 }),
    city: Type.String({ minLength: 1, maxLength: 100 }),
    region: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2, upper case.' }),
  },
  { additionalProperties: false, title: 'Address' },
);
export type Address = Static<typeof Address>;

export const Order = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    status: OrderStatus,
    lines: Type.Array(
      Type.Object({
        line: Type.Integer(),
        sku: Type.String(),
        quantity: Type.Integer(),
        unitPrice: Money,
        reservation: Type.Union([Type.Literal('pending'), Type.Literal('reserved'), Type.Literal('rejected')]),
        rejectionReason: Nullable(Type.String()),
        /** The product's current name and image (read from the catalog when shown); null when the SKU has none. */
        name: Type.Optional(Nullable(Type.String())),
        imageUrl: Type.Optional(Nullable(Type.String())),
        refundedQuantity: Type.Optional(Type.Integer({ description: 'Units of this line refunded so far.' })),
      }),
    ),
    shippingAddress: Type.Object({
      name: Type.String(),
      line1: Type.String(),
      line2: Nullable(Type.String()),
      postalCode: Type.String(),
      city: Type.String(),
      region: Nullable(Type.String()),
      country: Type.String(),
    }),
    currency: Type.String(),
    total: Money,
    paymentProvider: PaymentProviderName,
    payment: Nullable(
      Type.Object({
        paymentId: Type.String(),
        provider: PaymentProviderName,
        amount: Money,
        status: Type.Union([Type.Literal('requested'), Type.Literal('paid'), Type.Literal('failed')]),
        deadline: IsoTime,
        providerReference: Nullable(Type.String()),
        failureReason: Nullable(Type.String()),
        /** Captures that did not match this payment (payments item of issue 10): never paid the order; refunded. */
        mismatches: Type.Optional(
          Type.Array(
            Type.Object({
              reference: Type.String(),
              amount: Nullable(Money),
              reason: Type.String(),
              providerEventId: Type.String(),
              at: IsoTime,
            }),
          ),
        ),
      }),
    ),
    cancellation: Nullable(Type.Object({ reason: Type.String(), by: Type.String() })),
    refund: Nullable(
      Type.Object({ amount: Money, reason: Nullable(Type.String()) }, { description: 'Everything refunded so far.' }),
    ),
    refundStatus: Type.Optional(RefundStatus),
    refunds: Type.Optional(
      Type.Array(
        Type.Object({
          amount: Money,
          reason: Nullable(Type.String()),
          lines: Type.Array(Type.Object({ line: Type.Integer(), quantity: Type.Integer() })),
          restock: Type.Boolean(),
          actorId: Nullable(Type.String()),
          at: IsoTime,
        }),
        { description: 'Each refund, oldest first.' },
      ),
    ),
    shipment: Nullable(Type.Object({ carrier: Nullable(Type.String()), trackingNumber: Nullable(Type.String()) })),
    invoiceNumber: Nullable(
      Type.String({
        description:
          'Number of the order’s invoice (e.g. INV-2026-000001) once issued, which is shortly after payment; null ' +
          'before. GET /api/orders/{id}/invoice downloads it from then on.',
      }),
    ),
    timeline: Type.Array(
      Type.Object({
        status: OrderStatus,
        at: IsoTime,
        event: Type.String(),
        version: Type.Integer(),
        actorId: Type.Optional(Type.String({ description: 'The admin whose command made this change.' })),
      }),
    ),
    placedAt: IsoTime,
    updatedAt: IsoTime,
    version: Type.Integer({ description: 'The order aggregate version this view reflects.' }),
  },
  { title: 'Order' },
);
export type Order = Static<typeof Order>;

export const OrderPage = Type.Object({ items: Type.Array(Order), nextCursor: Nullable(Type.String()) });
export type OrderPage = Static<typeof OrderPage>;

export const OrderListQuery = Type.Object(
  { cursor: Type.Optional(Cursor), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) },
  { additionalProperties: false },
);

export const OrderByIdQuery = Type.Object(
  {
    minVersion: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Wait (bounded) until the read model reached this order version.' }),
    ),
  },
  { additionalProperties: false },
);

/**
 * One Server-Sent Events frame of GET /api/orders/:id/events, as a client's SSE parser yields it (OpenAPI documents
 * a stream by the schema of each frame): `event: order` with the Order as JSON in `data`, `event: reconnect` with
 * `{"code": …}`, and the opening `retry:` frame.
 */
export const SseFrame = Type.Object({
  event: Type.Optional(Type.Union([Type.Literal('order'), Type.Literal('reconnect')])),
  id: Type.Optional(Type.String()),
  data: Type.Optional(Type.String({ contentMediaType: 'application/json' })),
  retry: Type.Optional(Type.Integer({ minimum: 0 })),
});

export const OrderEventsQuery = Type.Object(
  { access_token: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })) },
  { additionalProperties: false },
);

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 8,
    maxLength: 128,
    pattern: '^[\\x21-\\x7E]+$',
    description:
      'Client-chosen key (8..128 printable characters); a retry with the same key and body is the same order, ' +
      'the same key with another body is refused (422 idempotency_key_reused).',
  }),
});

export const OptionalIdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(IdempotencyHeaders.properties['idempotency-key']),
});

export const PlaceOrderBody = Type.Object(
  {
    lines: Type.Array(
      Type.Object(
        { sku: Id, quantity: Type.Integer({ minimum: 1, maximum: 99 }) },
        // Extra fields (a client-sent unitPrice…) are stripped, never read: prices come from the catalog.
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
    shippingAddress: Address,
    paymentProvider: PaymentProviderName,
  },
  { additionalProperties: false },
);
export type PlaceOrderBody = Static<typeof PlaceOrderBody>;

/** The problems placing an order answers beyond the shared ones, with their stable codes. */
export const PlaceOrderProblems = {
  409: describedProblem(
    '`too_many_unpaid_orders`: the customer already has the most orders awaiting payment allowed at once ' +
      '(pay or cancel one first); or another conflict reported by the Order decider.',
  ),
  422: describedProblem(
    '`quantity_limit_exceeded` (more units of one SKU than an order may hold; lines of a SKU count together), ' +
      '`idempotency_key_reused` (the Idempotency-Key was used with a different body), `unknown_sku`, ' +
      '`product_unavailable`, `currency_mismatch`; `errors` points at the offending lines.',
  ),
};

export const CommandAccepted = Type.Object({
  orderId: Type.String(),
  version: Type.Optional(Type.Integer()),
  status: Type.Union([Type.Literal('accepted'), Type.Literal('pending')]),
});
export type CommandAccepted = Static<typeof CommandAccepted>;
