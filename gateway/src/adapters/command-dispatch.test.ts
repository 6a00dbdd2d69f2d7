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
    ['product_not_found', 404],
    ['line_not_found', 422],
    ['reason_required', 422],
    ['restock_without_lines', 422],
    ['invalid_threshold', 422],
    ['adjustment_below_reserved', 409],
    ['product_already_archived', 409],
    ['refund_exceeds_paid', 409],
    ['order_not_shipped', 409],
  ])('%s → %i', (code, status) => {
    expect(rejectionStatus(code)).toBe(status);
  });
});
