import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.ts';
import {
  emptyProductForm,
  fieldErrorsFromProblem,
  type ProductForm,
  type RefundForm,
  validateAdjust,
  validateNewProduct,
  validatePrice,
  validateProductDetails,
  validateReceive,
  validateRefund,
  validateShip,
  validateThreshold,
} from './admin-forms.ts';

const EUR = (amount: number) => ({ amount, currency: 'EUR' });
const product: ProductForm = {
  sku: 'cof-test-250',
  name: ' Test coffee ',
  description: 'Roasted',
  category: 'Coffee',
  price: '12,50',
  imageUrl: '',
};

describe('product forms', () => {
  it('a new product: upper-cased SKU, trimmed text, price in minor units, no image as null', () => {
    expect(validateNewProduct(product, 'EUR')).toEqual({
      ok: true,
      body: {
        sku: 'COF-TEST-250',
        name: 'Test coffee',
        description: 'Roasted',
        category: 'coffee',
        price: EUR(1250),
        imageUrl: null,
      },
    });
  });

  it('names every missing or malformed field', () => {
    const r = validateNewProduct({ ...emptyProductForm, sku: 'bad sku!', price: 'ten', imageUrl: 'ftp://x' }, 'EUR');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['category', 'imageUrl', 'name', 'price', 'sku']);
    expect(validateNewProduct({ ...product, price: '0' }, 'EUR')).toMatchObject({
      errors: { price: /more than zero/ },
    });
  });

  it('takes an image as a full http(s) address only', () => {
    expect(validateNewProduct({ ...product, imageUrl: 'https://img.example/x.png' }, 'EUR').ok).toBe(true);
    expect(validateNewProduct({ ...product, imageUrl: '/products/X.svg' }, 'EUR').ok).toBe(false);
    expect(validateNewProduct({ ...product, imageUrl: '//evil.example/x.png' }, 'EUR').ok).toBe(false);
  });

  it('an edit sends only what changed, and nothing changed is an error', () => {
    const current = { name: 'Test coffee', description: 'Roasted', category: 'coffee', imageUrl: null };
    expect(validateProductDetails({ ...product, category: 'Tea' }, current)).toEqual({
      ok: true,
      body: { category: 'tea' },
    });
    expect(validateProductDetails({ ...product, category: 'tea & more' }, current)).toMatchObject({
      ok: false,
      errors: { category: expect.any(String) },
    });
    expect(validateProductDetails(product, current)).toMatchObject({
      ok: false,
      errors: { name: 'Nothing has changed' },
    });
  });

  it("an edit keeps a product's current image as it is, even a path on the shop", () => {
    const current = { name: 'Mug', description: '', category: 'kitchen', imageUrl: '/products/KIT-MUG.svg' };
    const form = {
      ...product,
      name: 'Big mug',
      description: '',
      category: 'kitchen',
      imageUrl: '/products/KIT-MUG.svg',
    };
    expect(validateProductDetails(form, current)).toEqual({ ok: true, body: { name: 'Big mug' } });
    expect(validateProductDetails({ ...form, imageUrl: '/products/OTHER.svg' }, current).ok).toBe(false);
  });

  it('a price change must change the price', () => {
    expect(validatePrice('9.99', EUR(1250))).toEqual({ ok: true, body: { price: EUR(999) } });
    expect(validatePrice('12.5', EUR(1250))).toMatchObject({ ok: false });
    expect(validatePrice('-3', EUR(1250))).toMatchObject({ ok: false });
  });
});

describe('stock forms', () => {
  it('receive: a positive whole quantity and a reference', () => {
    expect(validateReceive({ quantity: '12', reference: ' DN-42 ' })).toEqual({
      ok: true,
      body: { quantity: 12, reference: 'DN-42' },
    });
    expect(validateReceive({ quantity: '1.5', reference: '' })).toMatchObject({
      ok: false,
      errors: { quantity: expect.any(String), reference: expect.any(String) },
    });
  });

  it('a correction never goes below what is reserved', () => {
    const level = { onHand: 10, reserved: 4 };
    expect(validateAdjust({ mode: 'delta', value: '-6', reason: 'broken' }, level)).toEqual({
      ok: true,
      body: { quantity: -6, reason: 'broken' },
    });
    expect(validateAdjust({ mode: 'delta', value: '-7', reason: 'broken' }, level)).toMatchObject({
      ok: false,
      errors: { value: /fewer than the 4 reserved/ },
    });
    expect(validateAdjust({ mode: 'count', value: '3', reason: 'count' }, level)).toMatchObject({ ok: false });
    expect(validateAdjust({ mode: 'count', value: '4', reason: 'count' }, level)).toEqual({
      ok: true,
      body: { newOnHand: 4, reason: 'count' },
    });
    expect(validateAdjust({ mode: 'delta', value: '0', reason: '' })).toMatchObject({
      ok: false,
      errors: { value: expect.any(String), reason: expect.any(String) },
    });
  });

  it('threshold: a whole number, 0 allowed', () => {
    expect(validateThreshold('0')).toEqual({ ok: true, body: { threshold: 0 } });
    expect(validateThreshold('-1').ok).toBe(false);
  });
});

describe('fulfilment forms', () => {
  it('ship needs a carrier and a tracking number', () => {
    expect(validateShip({ carrier: 'DHL', trackingNumber: ' JJD0099 ' })).toEqual({
      ok: true,
      body: { carrier: 'DHL', trackingNumber: 'JJD0099' },
    });
    expect(validateShip({ carrier: '', trackingNumber: '<script>' })).toMatchObject({
      ok: false,
      errors: { carrier: expect.any(String), trackingNumber: expect.any(String) },
    });
  });

  const lines = [
    { line: 1, sku: 'A', quantity: 2, unitPrice: EUR(1000) },
    { line: 2, sku: 'B', quantity: 1, unitPrice: EUR(500) },
  ];
  const refund = (over: Partial<RefundForm>): RefundForm => ({
    mode: 'lines',
    amount: '',
    lines: {},
    restock: true,
    reason: 'damaged',
    ...over,
  });

  it('refund lines: units within each line, priced at the unit price, within what is left', () => {
    expect(validateRefund(refund({ lines: { 1: '1' } }), lines, EUR(2500))).toEqual({
      ok: true,
      body: { lines: [{ line: 1, quantity: 1 }], restock: true, reason: 'damaged' },
    });
    expect(validateRefund(refund({ lines: { 1: '3' } }), lines, EUR(2500))).toMatchObject({ ok: false });
    expect(validateRefund(refund({ lines: {} }), lines, EUR(2500))).toMatchObject({ ok: false });
    expect(validateRefund(refund({ lines: { 1: '2', 2: '1' } }), lines, EUR(2000))).toMatchObject({
      ok: false,
      errors: { lines: /left to refund/ },
    });
  });

  it('refund an amount: never more than captured minus refunded', () => {
    expect(validateRefund(refund({ mode: 'amount', amount: '5' }), lines, EUR(2500))).toEqual({
      ok: true,
      body: { amount: EUR(500), reason: 'damaged' },
    });
    expect(validateRefund(refund({ mode: 'amount', amount: '25.01' }), lines, EUR(2500))).toMatchObject({
      ok: false,
      errors: { amount: /left to refund/ },
    });
  });
});

describe('problems onto fields', () => {
  it('maps body paths to the form fields they name', () => {
    const e = new ApiError(
      400,
      {
        code: 'invalid_request',
        detail: 'body.price.amount must be integer',
        errors: [
          { path: 'body.price.amount', message: 'must be integer' },
          { path: 'body.unknown', message: 'x' },
          { path: 'query.q', message: 'y' },
        ],
      },
      '400',
    );
    expect(fieldErrorsFromProblem<ProductForm>(e, ['sku', 'price'])).toEqual({ price: 'must be integer' });
    expect(fieldErrorsFromProblem<ProductForm>(new Error('x'), ['sku'])).toEqual({});
  });
});
