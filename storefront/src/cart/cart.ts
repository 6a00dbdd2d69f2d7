/**
 * The cart: a pure reducer over lines keyed by SKU, and its (de)serialisation for localStorage. Prices in the cart
 * are what the catalog showed when the shopper added the item, for display only: the gateway prices the order from
 * the catalog read model and ignores anything the client sends.
 */
import type { Money, Product } from '../api/types.ts';
import { sum, times } from '../money/money.ts';

/**
 * The most units of one SKU an order may hold when the gateway does not say (its ORDER_MAX_UNITS_PER_SKU default).
 * The gateway's /api/config `maxUnitsPerSku` is the real cap: the cart never holds more than the order would accept.
 */
export const DEFAULT_MAX_UNITS_PER_SKU = 10;

/** The cap to apply: the gateway's when it gives a sane one, else the default. */
export function unitsCap(configured: number | undefined): number {
  return configured !== undefined && Number.isInteger(configured) && configured >= 1
    ? configured
    : DEFAULT_MAX_UNITS_PER_SKU;
}

export interface CartLine {
  sku: string;
  productId: string;
  name: string;
  unitPrice: Money;
  imageUrl: string | null;
  quantity: number;
}

export interface Cart {
  lines: CartLine[];
}

export type CartAction =
  | {
      type: 'add';
      product: Pick<Product, 'id' | 'sku' | 'name' | 'price' | 'imageUrl'>;
      quantity?: number;
      max?: number;
    }
  | { type: 'setQuantity'; sku: string; quantity: number; max?: number }
  /** Applies a (new) per-SKU cap to every line, e.g. a cart stored before the shop lowered it. */
  | { type: 'cap'; max: number }
  | { type: 'remove'; sku: string }
  | { type: 'clear' }
  | { type: 'replace'; cart: Cart };

export const emptyCart: Cart = { lines: [] };

function clampQuantity(q: number, max = DEFAULT_MAX_UNITS_PER_SKU): number {
  if (!Number.isFinite(q)) return 1;
  return Math.min(max, Math.max(1, Math.trunc(q)));
}

export function cartReducer(cart: Cart, action: CartAction): Cart {
  switch (action.type) {
    case 'add': {
      const { product } = action;
      const quantity = clampQuantity(action.quantity ?? 1, action.max);
      const existing = cart.lines.find((l) => l.sku === product.sku);
      if (existing) {
        return {
          lines: cart.lines.map((l) =>
            l.sku === product.sku
              ? {
                  ...l,
                  name: product.name,
                  unitPrice: product.price,
                  imageUrl: product.imageUrl,
                  quantity: clampQuantity(l.quantity + quantity, action.max),
                }
              : l,
          ),
        };
      }
      return {
        lines: [
          ...cart.lines,
          {
            sku: product.sku,
            productId: product.id,
            name: product.name,
            unitPrice: product.price,
            imageUrl: product.imageUrl,
            quantity,
          },
        ],
      };
    }
    case 'setQuantity': {
      if (action.quantity <= 0) return cartReducer(cart, { type: 'remove', sku: action.sku });
      if (!cart.lines.some((l) => l.sku === action.sku)) return cart;
      return {
        lines: cart.lines.map((l) =>
          l.sku === action.sku ? { ...l, quantity: clampQuantity(action.quantity, action.max) } : l,
        ),
      };
    }
    case 'cap': {
      if (cart.lines.every((l) => l.quantity <= action.max)) return cart;
      return { lines: cart.lines.map((l) => ({ ...l, quantity: clampQuantity(l.quantity, action.max) })) };
    }
    case 'remove':
      return { lines: cart.lines.filter((l) => l.sku !== action.sku) };
    case 'clear':
      return emptyCart;
    case 'replace':
      return action.cart;
  }
}

export function itemCount(cart: Cart): number {
  return cart.lines.reduce((n, l) => n + l.quantity, 0);
}

export function cartTotal(cart: Cart): Money | undefined {
  return sum(cart.lines.map((l) => times(l.unitPrice, l.quantity)));
}

/** What the order command needs from the cart: SKUs and quantities, never prices. */
export function orderLines(cart: Cart): { sku: string; quantity: number }[] {
  return cart.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
}

/** A stable fingerprint of the cart's contents: a different cart is a different checkout attempt. */
export function cartSignature(cart: Cart): string {
  return [...cart.lines]
    .sort((a, b) => a.sku.localeCompare(b.sku))
    .map((l) => `${l.sku}x${l.quantity}`)
    .join(',');
}

export const CART_STORAGE_KEY = 'streamshop.cart.v1';

export function serializeCart(cart: Cart): string {
  return JSON.stringify({ v: 1, lines: cart.lines });
}

function isMoney(x: unknown): x is Money {
  if (typeof x !== 'object' || x === null) return false;
  const m = x as Record<string, unknown>;
  return Number.isInteger(m.amount) && typeof m.currency === 'string';
}

function isLine(x: unknown): x is CartLine {
  if (typeof x !== 'object' || x === null) return false;
  const l = x as Record<string, unknown>;
  return (
    typeof l.sku === 'string' &&
    typeof l.productId === 'string' &&
    typeof l.name === 'string' &&
    isMoney(l.unitPrice) &&
    (l.imageUrl === null || typeof l.imageUrl === 'string') &&
    Number.isInteger(l.quantity) &&
    (l.quantity as number) > 0
  );
}

/** Reads a stored cart; anything unreadable (old format, hand-edited storage) is an empty cart, never a crash. */
export function deserializeCart(raw: string | null, max = DEFAULT_MAX_UNITS_PER_SKU): Cart {
  if (!raw) return emptyCart;
  try {
    const parsed = JSON.parse(raw) as { v?: unknown; lines?: unknown };
    if (parsed.v !== 1 || !Array.isArray(parsed.lines)) return emptyCart;
    return { lines: parsed.lines.filter(isLine).map((l) => ({ ...l, quantity: clampQuantity(l.quantity, max) })) };
  } catch {
    return emptyCart;
  }
}
