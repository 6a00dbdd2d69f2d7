/**
 * HTTP schemas of the back office's commands (admin-catalog, admin-stock and admin-orders routes): what an admin
 * sends, what a 202 answers, and the problems each route documents with their stable codes. Every route requires
 * an Idempotency-Key; the storefront's /admin imports the static types through `@streamshop/gateway/schemas`.
 */
import { type Static, Type } from 'typebox';
import { describedProblem, Id } from './common.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const AdminIdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 8,
    maxLength: 128,
    pattern: '^[\\x21-\\x7E]+$',
    description:
      'Client-chosen key (8..128 printable characters), required: a retry with the same key and body is the same ' +
      'command and gets its original answer; the same key with another request is refused (422 ' +
      'idempotency_key_reused) for 24 hours.',
  }),
});

export const NoParams = Type.Object({}, { additionalProperties: false });
/** The body of a command that needs nothing more than its path (sent empty or as `{}`). */
export const NoBody = Type.Object({}, { additionalProperties: false });
export const SkuParams = Type.Object({ sku: Id }, { additionalProperties: false });

const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
/** An absolute http(s) URL, or a path on this site (the demo catalog's images are `/products/<SKU>.svg`). */
const ImageUrl = Type.String({
  maxLength: 2048,
  pattern: '^(https?://[^\\s/$.?#][^\\s]*|/[^/\\s][^\\s]*)$',
  description: 'https://… or a path on this site such as /products/COF-HUIL-250.svg',
});
const Reason = (description: string) => Type.String({ minLength: 1, maxLength: 500, description });

const CommandStatusFields = {
  status: Type.Union([Type.Literal('accepted'), Type.Literal('pending')], {
    description: '`accepted`: decided (and `version` is the aggregate version); `pending`: sent, not decided yet.',
  }),
  version: Type.Optional(Type.Integer()),
};

// ---- catalog -------------------------------------------------------------------------------------------------

/**
 * Bounds every number to what the Avro records can carry exactly (int: 32 bits; long: within JavaScript's safe
 * integers), so an absurd value is a 400 from validation, never an encoding failure answered 503 (Schemathesis).
 */
const MAX_MINOR_UNITS = 1_000_000_000_000;
const MAX_UNITS = 1_000_000;

/** Money an admin sends: positive minor units within MAX_MINOR_UNITS, an ISO 4217 code. */
const AdminMoney = Type.Object(
  {
    amount: Type.Integer({ minimum: 1, maximum: MAX_MINOR_UNITS, description: 'Minor units (1999 = 19.99 EUR).' }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  },
  { additionalProperties: false },
);

export const CreateProductBody = Type.Object(
  {
    sku: Id,
    name: Text(200),
    description: Type.String({ maxLength: 5000 }),
    category: Text(100),
    price: AdminMoney,
    imageUrl: Type.Optional(Nullable(ImageUrl)),
  },
  { additionalProperties: false },
);
export type CreateProductBody = Static<typeof CreateProductBody>;

/** The details to change; fields left out keep their current value. */
export const UpdateProductDetailsBody = Type.Object(
  {
    name: Type.Optional(Text(200)),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    category: Type.Optional(Text(100)),
    imageUrl: Type.Optional(Nullable(ImageUrl)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateProductDetailsBody = Static<typeof UpdateProductDetailsBody>;

export const ChangePriceBody = Type.Object(
  { price: CreateProductBody.properties.price },
  { additionalProperties: false },
);
export type ChangePriceBody = Static<typeof ChangePriceBody>;

export const ArchiveProductBody = Type.Object(
  { reason: Type.Optional(Reason('Why it is archived (or restored), for the audit trail.')) },
  { additionalProperties: false },
);
export type ArchiveProductBody = Static<typeof ArchiveProductBody>;

export const ProductCommandAccepted = Type.Object({
  sku: Type.String(),
  productId: Type.String(),
  ...CommandStatusFields,
});
export type ProductCommandAccepted = Static<typeof ProductCommandAccepted>;

export const ProductCommandProblems = {
  404: describedProblem('`product_not_found`: no product has this SKU.'),
  409: describedProblem(
    '`product_already_exists` (create), `product_archived` (an archived product accepts no change but restore), ' +
      '`product_already_archived`, `product_not_archived` (restore of an active product).',
  ),
  422: describedProblem(
    '`invalid_price` (not a positive amount, or another currency than the product has), ' + '`idempotency_key_reused`.',
  ),
};

// ---- stock ---------------------------------------------------------------------------------------------------

export const ReceiveStockBody = Type.Object(
  {
    quantity: Type.Integer({ minimum: 1, maximum: MAX_UNITS }),
    reference: Type.Optional(Nullable(Text(200, 'Where the units come from, e.g. a delivery note number.'))),
  },
  { additionalProperties: false },
);
export type ReceiveStockBody = Static<typeof ReceiveStockBody>;

/** A count correction: by `quantity` units (signed), or to `newOnHand` units counted; exactly one of the two. */
export const AdjustStockBody = Type.Object(
  {
    quantity: Type.Optional(
      Type.Integer({
        minimum: -1_000_000,
        maximum: 1_000_000,
        description: 'Units to add (+) or take away (−); not 0.',
      }),
    ),
    newOnHand: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Units counted on hand.' })),
    reason: Reason('Why the count is corrected (damage, loss, miscount…).'),
  },
  { additionalProperties: false },
);
export type AdjustStockBody = Static<typeof AdjustStockBody>;

export const ThresholdBody = Type.Object(
  {
    threshold: Type.Integer({
      minimum: 0,
      maximum: 1_000_000,
      description: 'Low on stock when available ≤ threshold; 0 turns the alert off.',
    }),
  },
  { additionalProperties: false },
);
export type ThresholdBody = Static<typeof ThresholdBody>;

export const StockCommandAccepted = Type.Object({ sku: Type.String(), ...CommandStatusFields });
export type StockCommandAccepted = Static<typeof StockCommandAccepted>;

export const StockCommandProblems = {
  404: describedProblem('`sku_not_found`: a count to `newOnHand` of a SKU with no stock recorded.'),
  409: describedProblem('`adjustment_below_reserved`: the correction would leave fewer units than are reserved.'),
  422: describedProblem(
    '`invalid_quantity`, `reason_required`, `invalid_threshold`, `quantity_or_new_on_hand` (give exactly one), ' +
      '`idempotency_key_reused`.',
  ),
};

// ---- orders --------------------------------------------------------------------------------------------------

export const ShipOrderBody = Type.Object(
  { carrier: Text(100), trackingNumber: Text(100) },
  { additionalProperties: false },
);
export type ShipOrderBody = Static<typeof ShipOrderBody>;

export const AdminCancelBody = Type.Object(
  { reason: Type.Optional(Reason('Why the shop cancels it; told to the customer.')) },
  { additionalProperties: false },
);
export type AdminCancelBody = Static<typeof AdminCancelBody>;

export const RefundBody = Type.Object(
  {
    amount: Type.Optional(AdminMoney),
    lines: Type.Optional(
      Type.Array(
        Type.Object(
          {
            line: Type.Integer({ minimum: 0, maximum: 999 }),
            quantity: Type.Integer({ minimum: 1, maximum: MAX_UNITS }),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 50 },
      ),
    ),
    restock: Type.Optional(Type.Boolean({ description: 'Return the refunded lines to stock (shipped orders).' })),
    reason: Reason('Why it is refunded.'),
  },
  {
    additionalProperties: false,
    description:
      'Without `amount`, the refund is the named lines at their unit price, or without lines all that is left ' +
      'of the captured amount.',
  },
);
export type RefundBody = Static<typeof RefundBody>;

export const OrderCommandAccepted = Type.Object({ orderId: Type.String(), ...CommandStatusFields });
export type OrderCommandAccepted = Static<typeof OrderCommandAccepted>;

export const OrderCommandProblems = {
  404: describedProblem('`order_not_found`.'),
  409: describedProblem(
    '`order_not_paid` (ship or refund before payment), `order_not_confirmed`, `order_not_shipped` (deliver), ' +
      '`order_not_cancellable`, `order_not_refundable`, `refund_exceeds_paid` (more than captured minus ' +
      'refunded), `refund_line_exceeds_quantity`, `restock_before_shipment`.',
  ),
  422: describedProblem(
    '`invalid_amount`, `currency_mismatch`, `line_not_found`, `restock_without_lines`, ' + '`idempotency_key_reused`.',
  ),
};
