import { PaymentProviderError } from '@streamshop/payment-service/providers';
import { describe, expect, it } from 'vitest';
import { providerProblem } from './payment-providers.ts';

describe('providerProblem', () => {
  it("answers the provider's stable code with our own words, never the provider's text", () => {
    const err = new PaymentProviderError(
      'provider_request_refused',
      'Stripe: create PaymentIntent: No such customer: cus_9s6XKzkNRiz8i3; request req_abc123 (acct_1Hh1XYZ)',
      { provider: 'stripe', providerCode: 'resource_missing', permanent: true },
    );
    const problem = providerProblem(err, 'stripe');
    expect(problem).toMatchObject({ status: 502, code: 'provider_request_refused' });
    expect(problem.detail).not.toMatch(/cus_|req_|acct_|No such|resource_missing|PaymentIntent/);
    expect(problem.detail).toContain('Stripe');
  });

  it('keeps the status the provider error suggests, for PayPal too', () => {
    const err = new PaymentProviderError(
      'order_not_approved',
      'PayPal: capture order 5O190127TN364715T: ORDER_NOT_APPROVED',
      {
        provider: 'paypal',
        providerCode: 'ORDER_NOT_APPROVED',
        permanent: true,
      },
    );
    const problem = providerProblem(err, 'paypal');
    expect(problem).toMatchObject({ status: 409, code: 'order_not_approved' });
    expect(problem.detail).not.toMatch(/5O190127TN364715T|ORDER_NOT_APPROVED/);
  });

  it('anything else is a 502 provider_unavailable', () => {
    const problem = providerProblem(new Error('getaddrinfo ENOTFOUND api.stripe.com'), 'stripe');
    expect(problem).toMatchObject({ status: 502, code: 'provider_unavailable' });
    expect(problem.detail).not.toContain('ENOTFOUND');
  });
});
