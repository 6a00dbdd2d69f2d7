/**
 * Checkout: the shipping address, the payment provider, and "Place order". The order command carries an
 * Idempotency-Key made once per checkout attempt and reused for every retry of it (see attempt.ts), so a double
 * submit or a retry after a timeout places one order. Once accepted, the cart is emptied and the shopper lands on
 * the order page, which takes them through payment and shows the order moving live.
 */
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../api/client.ts';
import { useApi, useConfig } from '../api/hooks.ts';
import type { PaymentProvider, PlaceOrderRequest, PlaceOrderResponse } from '../api/types.ts';
import { useCart } from '../cart/CartProvider.tsx';
import { cartSignature, cartTotal, orderLines } from '../cart/cart.ts';
import { Field } from '../components/Field.tsx';
import { Price } from '../components/Price.tsx';
import { RequireSignIn } from '../components/RequireSignIn.tsx';
import { EmptyState, InlineError } from '../components/states.tsx';
import { times } from '../money/money.ts';
import {
  ADDRESS_STORAGE_KEY,
  type AddressErrors,
  type AddressForm,
  COUNTRIES,
  countryName,
  readStoredAddress,
  toAddress,
  validateAddress,
} from './address.ts';
import { ATTEMPT_STORAGE_KEY, newIdempotencyKey, resolveAttempt } from './attempt.ts';

export interface OrderPageState {
  /** The order was just placed: its read model may lag a moment, so a 404 is "not yet", not "not yours". */
  justPlaced?: boolean;
  minVersion?: number;
}

function currentAttemptKey(signature: string): string {
  const { attempt, fresh } = resolveAttempt(sessionStorage.getItem(ATTEMPT_STORAGE_KEY), signature, newIdempotencyKey);
  if (fresh) sessionStorage.setItem(ATTEMPT_STORAGE_KEY, JSON.stringify(attempt));
  return attempt.key;
}

/** A definite "no" from the gateway ends the attempt; a timeout, rate limit or server error may be retried. */
function endsAttempt(e: unknown): boolean {
  return e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 408 && e.status !== 429;
}

function CheckoutForm() {
  const api = useApi();
  const config = useConfig();
  const navigate = useNavigate();
  const { cart, dispatch } = useCart();
  const formId = useId();
  const [address, setAddress] = useState<AddressForm>(() =>
    readStoredAddress(localStorage.getItem(ADDRESS_STORAGE_KEY)),
  );
  const stripeAvailable = config.stripeTestMode || Boolean(config.stripePublishableKey);
  const [provider, setProvider] = useState<PaymentProvider>(stripeAvailable ? 'stripe' : 'paypal');
  const [errors, setErrors] = useState<AddressErrors>({});

  const place = useMutation({
    mutationFn: ({ key, body }: { key: string; body: PlaceOrderRequest }) =>
      api<PlaceOrderResponse>('/api/orders', { method: 'POST', body, headers: { 'Idempotency-Key': key } }),
    onSuccess: (res) => {
      sessionStorage.removeItem(ATTEMPT_STORAGE_KEY);
      dispatch({ type: 'clear' });
      const state: OrderPageState = { justPlaced: true, ...('version' in res ? { minVersion: res.version } : {}) };
      navigate(`/orders/${encodeURIComponent(res.orderId)}`, { state });
    },
    onError: (e) => {
      if (endsAttempt(e)) sessionStorage.removeItem(ATTEMPT_STORAGE_KEY);
    },
  });

  if (cart.lines.length === 0) {
    return (
      <EmptyState title="Your cart is empty">
        <Link to="/" className="underline">
          Browse the catalog
        </Link>
      </EmptyState>
    );
  }

  const set = (k: keyof AddressForm) => (e: { target: { value: string } }) =>
    setAddress((a) => ({ ...a, [k]: e.target.value }));
  const fieldId = (k: string) => `${formId}-${k}`;
  const inputProps = (k: keyof AddressForm, autoComplete: string) => ({
    id: fieldId(k),
    className: 'field-input',
    value: address[k],
    onChange: set(k),
    autoComplete,
    'aria-invalid': errors[k] ? true : undefined,
    'aria-describedby': errors[k] ? `${fieldId(k)}-error` : undefined,
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = validateAddress(address);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      const first = Object.keys(found)[0];
      if (first) document.getElementById(fieldId(first))?.focus();
      return;
    }
    localStorage.setItem(ADDRESS_STORAGE_KEY, JSON.stringify(address));
    place.mutate({
      key: currentAttemptKey(cartSignature(cart)),
      body: { lines: orderLines(cart), shippingAddress: toAddress(address), paymentProvider: provider },
    });
  };

  const total = cartTotal(cart);

  return (
    <form onSubmit={submit} noValidate className="grid gap-6 lg:grid-cols-3" data-testid="checkout-form">
      <div className="flex flex-col gap-6 lg:col-span-2">
        <fieldset className="grid gap-3 rounded-lg border border-stone-200 bg-white p-4 sm:grid-cols-2">
          <legend className="px-1 text-lg font-semibold">Shipping address</legend>
          <div className="sm:col-span-2">
            <Field id={fieldId('name')} label="Full name" error={errors.name}>
              <input {...inputProps('name', 'name')} required />
            </Field>
          </div>
          <div className="sm:col-span-2">
            <Field id={fieldId('line1')} label="Street and number" error={errors.line1}>
              <input {...inputProps('line1', 'address-line1')} required />
            </Field>
          </div>
          <div className="sm:col-span-2">
            <Field id={fieldId('line2')} label="Address line 2" error={errors.line2} optional>
              <input {...inputProps('line2', 'address-line2')} />
            </Field>
          </div>
          <Field id={fieldId('postalCode')} label="Postal code" error={errors.postalCode}>
            <input {...inputProps('postalCode', 'postal-code')} required />
          </Field>
          <Field id={fieldId('city')} label="City" error={errors.city}>
            <input {...inputProps('city', 'address-level2')} required />
          </Field>
          <Field id={fieldId('region')} label="Region / state" error={errors.region} optional>
            <input {...inputProps('region', 'address-level1')} />
          </Field>
          <Field id={fieldId('country')} label="Country" error={errors.country}>
            <select {...inputProps('country', 'country')} required>
              {COUNTRIES.map((c) => (
                <option key={c} value={c}>
                  {countryName(c)}
                </option>
              ))}
            </select>
          </Field>
        </fieldset>

        <fieldset className="flex flex-col gap-2 rounded-lg border border-stone-200 bg-white p-4">
          <legend className="px-1 text-lg font-semibold">Payment method</legend>
          <label className="flex items-center gap-2">
            <input
              type="radio"
              name="provider"
              value="stripe"
              checked={provider === 'stripe'}
              onChange={() => setProvider('stripe')}
              disabled={!stripeAvailable}
            />
            Card (Stripe){config.stripeTestMode && <span className="text-xs text-stone-500"> — test mode</span>}
          </label>
          <label className="flex items-center gap-2">
            <input
              type="radio"
              name="provider"
              value="paypal"
              checked={provider === 'paypal'}
              onChange={() => setProvider('paypal')}
            />
            PayPal
          </label>
          <p className="text-xs text-stone-500">You pay on the next page, once your items are reserved.</p>
        </fieldset>
      </div>

      <aside
        className="flex h-fit flex-col gap-3 rounded-lg border border-stone-200 bg-white p-4"
        aria-label="Order summary"
      >
        <h2 className="text-lg font-semibold">Summary</h2>
        <ul className="flex flex-col gap-1 text-sm">
          {cart.lines.map((l) => (
            <li key={l.sku} className="flex justify-between gap-2">
              <span>
                {l.quantity} × {l.name}
              </span>
              <Price money={times(l.unitPrice, l.quantity)} className="shrink-0" />
            </li>
          ))}
        </ul>
        {total && (
          <p className="flex justify-between border-t border-stone-200 pt-2 font-semibold">
            <span>Total</span> <Price money={total} />
          </p>
        )}
        <button type="submit" className="btn-primary" disabled={place.isPending} data-testid="place-order">
          {place.isPending ? 'Placing order…' : 'Place order'}
        </button>
        {place.isPending && (
          <p role="status" className="text-sm text-stone-600">
            Waiting for the shop to accept your order…
          </p>
        )}
        <InlineError error={place.error} />
      </aside>
    </form>
  );
}

export function CheckoutPage() {
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-2xl font-bold">Checkout</h1>
      <RequireSignIn reason="Sign in to place your order; your cart stays as it is.">
        <CheckoutForm />
      </RequireSignIn>
    </div>
  );
}
