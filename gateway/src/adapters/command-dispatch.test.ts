import { describe, expect, it } from 'vitest';
import { rejectionStatus } from './command-dispatch.ts';

describe('rejectionStatus', () => {
  it.each([
    ['payment_not_found', 404],
    ['order_not_found', 404],
    ['empty_order', 422],
    ['invalid_quantity', 422],
    ['currency_mismatch', 422],
    ['unknown_sku', 422],
    ['order_not_cancellable', 409],
    ['order_already_exists', 409],
    ['invalid_transition', 409],
    ['something_new', 409],
  ])('%s → %i', (code, status) => {
    expect(rejectionStatus(code)).toBe(status);
  });
});
