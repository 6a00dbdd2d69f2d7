import { describe, expect, it } from 'vitest';
import {
  type Cart,
  cartReducer,
  cartSignature,
  cartTotal,
  DEFAULT_MAX_UNITS_PER_SKU,
  deserializeCart,
  emptyCart,
  itemCount,
  orderLines,
  serializeCart,
  unitsCap,
} from './cart.ts';

const mug = { id: 'p-mug', sku: 'MUG-1', name: 'Mug', price: { amount: 1250, currency: 'EUR' }, imageUrl: null };
const tee = {
  id: 'p-tee',
  sku: 'TEE-1',
  name: 'Tee',
  price: { amount: 1999, currency: 'EUR' },
  imageUrl: '/products/tee.svg',
};

const apply = (cart: Cart, ...actions: Parameters<typeof cartReducer>[1][]) => actions.reduce(cartReducer, cart);

describe('cart reducer', () => {
  it('adds products as lines and merges the same SKU into one line', () => {
    const cart = apply(
      emptyCart,
      { type: 'add', product: mug },
      { type: 'add', product: tee },
      {
        type: 'add',
        product: mug,
        quantity: 2,
      },
    );
    expect(cart.lines.map((l) => [l.sku, l.quantity])).toEqual([
      ['MUG-1', 3],
      ['TEE-1', 1],
    ]);
    expect(itemCount(cart)).toBe(4);
    expect(cartTotal(cart)).toEqual({ amount: 3 * 1250 + 1999, currency: 'EUR' });
  });

  it('sets quantities within 1..the per-SKU cap, and a quantity of 0 removes the line', () => {
    let cart = apply(emptyCart, { type: 'add', product: mug });
    cart = cartReducer(cart, { type: 'setQuantity', sku: 'MUG-1', quantity: 5 });
    expect(cart.lines[0]?.quantity).toBe(5);
    cart = cartReducer(cart, { type: 'setQuantity', sku: 'MUG-1', quantity: 1000 });
    expect(cart.lines[0]?.quantity).toBe(DEFAULT_MAX_UNITS_PER_SKU);
    cart = cartReducer(cart, { type: 'setQuantity', sku: 'MUG-1', quantity: 2.7 });
    expect(cart.lines[0]?.quantity).toBe(2);
    expect(cartReducer(cart, { type: 'setQuantity', sku: 'NOPE', quantity: 3 })).toBe(cart);
    cart = cartReducer(cart, { type: 'setQuantity', sku: 'MUG-1', quantity: 0 });
    expect(cart.lines).toEqual([]);
  });

  it("never holds more of one SKU than the gateway's per-SKU cap (10 unless /api/config says otherwise)", () => {
    expect(DEFAULT_MAX_UNITS_PER_SKU).toBe(10);
    let cart = apply(emptyCart, { type: 'add', product: mug, quantity: 8 }, { type: 'add', product: mug, quantity: 8 });
    expect(cart.lines[0]?.quantity).toBe(10);
    cart = apply(emptyCart, { type: 'add', product: mug, quantity: 8, max: 3 });
    expect(cart.lines[0]?.quantity).toBe(3);
    cart = cartReducer(cart, { type: 'setQuantity', sku: 'MUG-1', quantity: 50, max: 25 });
    expect(cart.lines[0]?.quantity).toBe(25);
    // A cart stored under a higher cap is brought down to the shop's current one.
    cart = cartReducer(cart, { type: 'cap', max: 4 });
    expect(cart.lines[0]?.quantity).toBe(4);
    expect(cartReducer(cart, { type: 'cap', max: 4 })).toBe(cart);
    expect(deserializeCart(serializeCart({ lines: [{ ...cart.lines[0]!, quantity: 99 }] })).lines[0]?.quantity).toBe(
      10,
    );
    expect(unitsCap(undefined)).toBe(10);
    expect(unitsCap(0)).toBe(10);
    expect(unitsCap(25)).toBe(25);
  });

  it('removes a line and clears the cart', () => {
    const cart = apply(emptyCart, { type: 'add', product: mug }, { type: 'add', product: tee });
    expect(cartReducer(cart, { type: 'remove', sku: 'MUG-1' }).lines.map((l) => l.sku)).toEqual(['TEE-1']);
    expect(cartReducer(cart, { type: 'clear' })).toEqual(emptyCart);
    expect(cartTotal(emptyCart)).toBeUndefined();
  });

  it('sends SKUs and quantities to the order, never prices', () => {
    const cart = apply(emptyCart, { type: 'add', product: mug, quantity: 2 }, { type: 'add', product: tee });
    expect(orderLines(cart)).toEqual([
      { sku: 'MUG-1', quantity: 2 },
      { sku: 'TEE-1', quantity: 1 },
    ]);
  });

  it('fingerprints the contents independently of line order', () => {
    const a = apply(emptyCart, { type: 'add', product: mug }, { type: 'add', product: tee });
    const b = apply(emptyCart, { type: 'add', product: tee }, { type: 'add', product: mug });
    expect(cartSignature(a)).toBe(cartSignature(b));
    expect(cartSignature(cartReducer(a, { type: 'setQuantity', sku: 'MUG-1', quantity: 2 }))).not.toBe(
      cartSignature(b),
    );
  });
});

describe('cart storage', () => {
  it('round-trips through its serialised form', () => {
    const cart = apply(emptyCart, { type: 'add', product: mug, quantity: 2 }, { type: 'add', product: tee });
    expect(deserializeCart(serializeCart(cart))).toEqual(cart);
  });

  it('reads missing, corrupt or foreign data as an empty cart and drops malformed lines', () => {
    expect(deserializeCart(null)).toEqual(emptyCart);
    expect(deserializeCart('{not json')).toEqual(emptyCart);
    expect(deserializeCart(JSON.stringify({ v: 2, lines: [] }))).toEqual(emptyCart);
    const good = { sku: 'A', productId: 'p', name: 'A', unitPrice: { amount: 1, currency: 'EUR' }, imageUrl: null };
    const stored = JSON.stringify({
      v: 1,
      lines: [
        { ...good, quantity: 1 },
        { ...good, sku: 'B', quantity: -1 },
        { ...good, sku: 'C', unitPrice: { amount: 1.5, currency: 'EUR' }, quantity: 1 },
      ],
    });
    expect(deserializeCart(stored).lines.map((l) => l.sku)).toEqual(['A']);
  });
});
