/**
 * The statuses an order shows, declared once: the `orders` read model folds them from orders.events, the gateway's
 * TypeBox schema (and so its OpenAPI enum) is built from this list, the storefront filters and labels by it, and the
 * Order decider derives its own states from it. It lives here, beside the event contract it is folded from, and
 * imports nothing, so the browser bundle can take it as it is.
 */

/** Every status an order can be in, in lifecycle order. */
export const ORDER_STATUSES = [
  'placed',
  'reserved',
  'payment_requested',
  'paid',
  'confirmed',
  'shipped',
  'delivered',
  'cancelled',
  'refunded',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
