/**
 * Reading a return from PayPal's approval page: the gateway has PayPal send the shopper back to the order page with
 * `?paypal=approved&token=<PayPal order id>&PayerID=…`, or `?paypal=cancelled`.
 */

export type PaypalReturn = { kind: 'approved'; paypalOrderId: string } | { kind: 'cancelled' } | null;

/** What the URL says about a return from PayPal, if anything. */
export function paypalReturnFrom(params: URLSearchParams): PaypalReturn {
  const outcome = params.get('paypal');
  if (outcome === 'cancelled') return { kind: 'cancelled' };
  const token = params.get('token');
  if ((outcome === 'approved' || outcome === null) && token) return { kind: 'approved', paypalOrderId: token };
  return null;
}
