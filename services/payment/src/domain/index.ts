/** The payments' pure domain: the Payment decider. */
export {
  DEFAULT_FAILURE_REASON,
  type PaymentEventDraft,
  type PaymentState,
  type PaymentStatus,
  paymentDecider,
} from './payment.decider.ts';
