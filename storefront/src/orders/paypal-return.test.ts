import { describe, expect, it } from 'vitest';
import { paypalReturnFrom } from './paypal-return.ts';

describe('return from PayPal', () => {
  it('reads the approved PayPal order id from the return URL', () => {
    expect(paypalReturnFrom(new URLSearchParams('paypal=approved&token=5O190127TN364715T&PayerID=X'))).toEqual({
      kind: 'approved',
      paypalOrderId: '5O190127TN364715T',
    });
    expect(paypalReturnFrom(new URLSearchParams('token=5O190127TN364715T'))).toEqual({
      kind: 'approved',
      paypalOrderId: '5O190127TN364715T',
    });
  });

  it('recognises a cancelled approval and ignores unrelated queries', () => {
    expect(paypalReturnFrom(new URLSearchParams('paypal=cancelled&token=X'))).toEqual({ kind: 'cancelled' });
    expect(paypalReturnFrom(new URLSearchParams(''))).toBeNull();
    expect(paypalReturnFrom(new URLSearchParams('paypal=approved'))).toBeNull();
  });
});
