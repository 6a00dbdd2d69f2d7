/**
 * The Payment aggregate: one payment of one order through one provider (Stripe or PayPal).
 *
 * The provider is the source of truth for what happened to the money; this aggregate records what it reports
 * (verified webhooks, turned into RecordProviderEvent), deduplicated by the provider's event id, because
 * providers deliver webhooks at least once. Providers do not promise order either, so a report that comes
 * after a later state (authorized after captured, failed after captured) is recorded as nothing rather than
 * rejected; a capture after a failure is recorded, since the shopper may retry the same payment.
 *
 * A capture pays the order only when it is the one this payment asked for: it names a provider object recorded for
 * the payment (RecordProviderCheckout → PaymentCheckoutStarted, written before the shopper can pay it) and exactly
 * the requested amount and currency. A webhook is signed by the provider, not by the shopper, but it reports
 * whatever was paid on our account: a PaymentIntent for 1 cent created elsewhere is as well signed as ours. Any
 * other capture is PaymentMismatchDetected, which never confirms the order, and its money is given back at once
 * (PaymentRefundRequested with `mismatch`, against the reference and amount the provider reported).
 *
 * Refunds are asked (RefundPayment → PaymentRefundRequested, for the adapter to call the provider) and then
 * confirmed by the provider (RecordProviderEvent refunded → PaymentRefunded). What is asked never exceeds what
 * was captured. Mismatch refunds are counted apart (mismatchRefundRequested / mismatchRefunded): they give back
 * money that was never the payment's, so they neither use up nor extend what may be refunded of the real capture.
 */
import { type Decider, type Rejection, reject } from '@streamshop/decider';
import type {
  EventDraft,
  Money,
  PaymentMismatchReason,
  PaymentProvider,
  PaymentsCommand,
  PaymentsEventName,
  RecordTypes,
} from '@streamshop/schemas/types';

export type PaymentEventDraft = EventDraft<PaymentsEventName>;

export type PaymentStatus = 'requested' | 'authorized' | 'captured' | 'failed';

export type PaymentState =
  | { status: 'none' }
  | {
      status: PaymentStatus;
      orderId: string;
      provider: PaymentProvider;
      /** Amount requested. */
      amount: Money;
      /** Minor units captured, asked to refund, and confirmed refunded (all in `amount.currency`). */
      captured: number;
      refundRequested: number;
      refunded: number;
      /** Provider events already recorded: a repeat is a no-op. */
      providerEventIds: readonly string[];
      /**
       * How the provider named the payment when it reported the capture (Stripe PaymentIntent, PayPal order):
       * what a refund is asked against. Optional: snapshots taken before it existed lack it.
       */
      providerReference?: string | null;
      /**
       * Every provider object recorded for the payment (PaymentCheckoutStarted): a capture must name one. Optional:
       * snapshots taken before it existed lack it (then no capture matches until one is recorded).
       */
      references?: readonly string[];
      /** References whose capture was a mismatch: a refund reported on them gives back mismatched money. */
      mismatchReferences?: readonly string[];
      /** Minor units of mismatched captures asked to refund, and confirmed refunded. */
      mismatchRefundRequested?: number;
      mismatchRefunded?: number;
    };

/** Failure code when the provider reports a failure without one. */
export const DEFAULT_FAILURE_REASON = 'payment_failed';

const CURRENCY = /^[A-Z]{3}$/;

function amountProblem(amount: Money): string | null {
  if (!CURRENCY.test(amount.currency)) return `currency ${JSON.stringify(amount.currency)} is not an ISO 4217 code`;
  if (!Number.isSafeInteger(amount.amount) || amount.amount <= 0) {
    return `amount must be a positive integer of minor units, got ${amount.amount}`;
  }
  return null;
}

type Payment = Exclude<PaymentState, { status: 'none' }>;
type RecordProviderEvent = RecordTypes['streamshop.payments.RecordProviderEvent'];
type RecordProviderCheckout = RecordTypes['streamshop.payments.RecordProviderCheckout'];

/** Reason given with the automatic refund of a mismatched capture. */
export const MISMATCH_REFUND_REASON = 'payment_mismatch';

function recordProviderCheckout(command: RecordProviderCheckout, state: Payment): PaymentEventDraft[] | Rejection {
  const { aggregateId: id, provider, providerReference } = command;
  if (provider !== state.provider) {
    return reject('provider_mismatch', `payment ${id} is paid with ${state.provider}, not ${provider}`);
  }
  if (providerReference.trim() === '') return reject('invalid_reference', 'the provider reference is empty');
  if ((state.references ?? []).includes(providerReference)) return [];
  return [
    {
      type: 'streamshop.payments.PaymentCheckoutStarted',
      value: { orderId: state.orderId, provider, providerReference },
    },
  ];
}

/** Why a reported capture is not this payment's, or null when it is (a recorded reference, the exact amount). */
function mismatchOf(command: RecordProviderEvent, state: Payment): PaymentMismatchReason | null {
  const { providerReference, amount } = command;
  if (!(state.references ?? []).includes(providerReference)) return 'unknown_reference';
  if (amount === null || amount.currency !== state.amount.currency) {
    return amount === null ? 'amount_mismatch' : 'currency_mismatch';
  }
  if (amount.amount !== state.amount.amount) return 'amount_mismatch';
  if (state.status === 'captured' && providerReference !== state.providerReference) return 'duplicate_capture';
  return null;
}

/** PaymentMismatchDetected, and the refund of what the provider reports captured (when it reports an amount). */
function mismatch(command: RecordProviderEvent, state: Payment, reason: PaymentMismatchReason): PaymentEventDraft[] {
  const { providerEventId, providerReference, amount } = command;
  const detected: PaymentEventDraft = {
    type: 'streamshop.payments.PaymentMismatchDetected',
    value: { orderId: state.orderId, providerEventId, providerReference, amount, reason },
  };
  if (amount === null || amountProblem(amount) !== null) return [detected];
  return [
    detected,
    {
      type: 'streamshop.payments.PaymentRefundRequested',
      value: {
        orderId: state.orderId,
        amount,
        reason: MISMATCH_REFUND_REASON,
        provider: state.provider,
        providerReference,
        mismatch: true,
      },
    },
  ];
}

function recordCapture(command: RecordProviderEvent, state: Payment): PaymentEventDraft[] {
  const { providerEventId, providerReference } = command;
  // The same capture reported again under another event id (PayPal reports a capture through our capture call and
  // its webhook; a PaymentIntent or a PayPal order is captured once): nothing to add, nothing to refund twice.
  if (state.status === 'captured' && providerReference === state.providerReference) return [];
  if ((state.mismatchReferences ?? []).includes(providerReference)) return [];
  const reason = mismatchOf(command, state);
  if (reason) return mismatch(command, state, reason);
  return [
    {
      type: 'streamshop.payments.PaymentCaptured',
      value: { orderId: state.orderId, providerEventId, providerReference, amount: state.amount },
    },
  ];
}

function recordRefund(command: RecordProviderEvent, state: Payment): PaymentEventDraft[] | Rejection {
  const { orderId, status } = state;
  const { providerEventId, providerReference } = command;
  if ((state.mismatchReferences ?? []).includes(providerReference)) {
    const amount = command.amount ?? { amount: state.mismatchRefundRequested ?? 0, currency: state.amount.currency };
    return [
      { type: 'streamshop.payments.PaymentRefunded', value: { orderId, providerEventId, amount, mismatch: true } },
    ];
  }
  if (status !== 'captured') {
    return reject('payment_not_captured', `payment ${command.aggregateId} is ${status}; nothing to refund`);
  }
  const refunded = command.amount ?? { amount: state.captured - state.refunded, currency: state.amount.currency };
  return [
    {
      type: 'streamshop.payments.PaymentRefunded',
      value: { orderId, providerEventId, amount: refunded, mismatch: false },
    },
  ];
}

function recordProviderEvent(command: RecordProviderEvent, state: Payment): PaymentEventDraft[] | Rejection {
  const { providerEventId, providerReference, kind } = command;
  const { orderId, status } = state;
  if (state.providerEventIds.includes(providerEventId)) return [];
  switch (kind) {
    case 'authorized':
      if (status !== 'requested') return []; // reported after a later state: nothing to add
      return [
        {
          type: 'streamshop.payments.PaymentAuthorized',
          value: { orderId, providerEventId, providerReference, amount: command.amount ?? state.amount },
        },
      ];
    case 'captured':
      return recordCapture(command, state);
    case 'failed':
      if (status === 'captured' || status === 'failed') return [];
      return [
        {
          type: 'streamshop.payments.PaymentFailed',
          value: { orderId, providerEventId, reason: command.failureReason ?? DEFAULT_FAILURE_REASON },
        },
      ];
    case 'refunded':
      return recordRefund(command, state);
  }
}

function decide(command: PaymentsCommand, state: PaymentState): PaymentEventDraft[] | Rejection {
  const id = command.value.aggregateId;
  switch (command.type) {
    case 'streamshop.payments.RequestPayment': {
      const { orderId, provider, amount } = command.value;
      if (state.status !== 'none') return reject('payment_already_exists', `payment ${id} already exists`);
      const problem = amountProblem(amount);
      if (problem) return reject('invalid_amount', problem);
      return [{ type: 'streamshop.payments.PaymentRequested', value: { orderId, provider, amount } }];
    }
    case 'streamshop.payments.RecordProviderEvent':
      if (state.status === 'none') return reject('payment_not_found', `payment ${id} does not exist`);
      return recordProviderEvent(command.value, state);
    case 'streamshop.payments.RecordProviderCheckout':
      if (state.status === 'none') return reject('payment_not_found', `payment ${id} does not exist`);
      return recordProviderCheckout(command.value, state);
    case 'streamshop.payments.RefundPayment': {
      const { amount, reason } = command.value;
      if (state.status === 'none') return reject('payment_not_found', `payment ${id} does not exist`);
      if (state.status !== 'captured') return reject('payment_not_captured', `payment ${id} is ${state.status}`);
      const problem = amountProblem(amount);
      if (problem) return reject('invalid_amount', problem);
      if (amount.currency !== state.amount.currency) {
        return reject('currency_mismatch', `payment ${id} is in ${state.amount.currency}, not ${amount.currency}`);
      }
      // Refunds made at the provider directly (PaymentRefunded without a request) count too.
      const committed = Math.max(state.refundRequested, state.refunded);
      if (committed + amount.amount > state.captured) {
        return reject(
          'refund_exceeds_captured',
          `${amount.amount} more would exceed the ${state.captured} captured (${committed} already refunded or asked)`,
        );
      }
      return [
        {
          type: 'streamshop.payments.PaymentRefundRequested',
          value: {
            orderId: state.orderId,
            amount,
            reason,
            provider: state.provider,
            providerReference: state.providerReference ?? null,
            mismatch: false,
          },
        },
      ];
    }
  }
}

function seen(state: Payment, providerEventId: string | null): readonly string[] {
  return providerEventId === null ? state.providerEventIds : [...state.providerEventIds, providerEventId];
}

function evolve(state: PaymentState, event: PaymentEventDraft): PaymentState {
  if (event.type === 'streamshop.payments.PaymentRequested') {
    const { orderId, provider, amount } = event.value;
    return {
      status: 'requested',
      orderId,
      provider,
      amount,
      captured: 0,
      refundRequested: 0,
      refunded: 0,
      providerEventIds: [],
      providerReference: null,
      references: [],
      mismatchReferences: [],
      mismatchRefundRequested: 0,
      mismatchRefunded: 0,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'streamshop.payments.PaymentAuthorized':
      return {
        ...state,
        status: 'authorized',
        providerEventIds: seen(state, event.value.providerEventId),
        providerReference: event.value.providerReference || (state.providerReference ?? null),
      };
    case 'streamshop.payments.PaymentCaptured':
      return {
        ...state,
        status: 'captured',
        captured: event.value.amount.amount,
        providerEventIds: seen(state, event.value.providerEventId),
        providerReference: event.value.providerReference || (state.providerReference ?? null),
      };
    case 'streamshop.payments.PaymentFailed':
      return { ...state, status: 'failed', providerEventIds: seen(state, event.value.providerEventId) };
    case 'streamshop.payments.PaymentRefundRequested':
      if (event.value.mismatch) {
        return { ...state, mismatchRefundRequested: (state.mismatchRefundRequested ?? 0) + event.value.amount.amount };
      }
      return { ...state, refundRequested: state.refundRequested + event.value.amount.amount };
    case 'streamshop.payments.PaymentRefunded':
      if (event.value.mismatch) {
        return {
          ...state,
          mismatchRefunded: (state.mismatchRefunded ?? 0) + event.value.amount.amount,
          providerEventIds: seen(state, event.value.providerEventId),
        };
      }
      return {
        ...state,
        refunded: state.refunded + event.value.amount.amount,
        providerEventIds: seen(state, event.value.providerEventId),
      };
    case 'streamshop.payments.PaymentCheckoutStarted':
      return { ...state, references: [...(state.references ?? []), event.value.providerReference] };
    case 'streamshop.payments.PaymentMismatchDetected':
      return {
        ...state,
        providerEventIds: seen(state, event.value.providerEventId),
        mismatchReferences: [...(state.mismatchReferences ?? []), event.value.providerReference],
      };
  }
}

export const paymentDecider: Decider<PaymentsCommand, PaymentEventDraft, PaymentState> = {
  initialState: { status: 'none' },
  evolve,
  decide,
};
