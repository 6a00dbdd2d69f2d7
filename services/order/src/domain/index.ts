/** The orders' pure domain: the Order decider, the ids it derives, and the order saga's policies. */
export {
  creditNoteFor,
  type IssueCreditNotePayload,
  type IssueInvoicePayload,
  invoiceFor,
  invoiceSeriesFor,
} from './order.billing.ts';
export {
  createOrderDecider,
  type LineReservation,
  ORDER_REASONS,
  type Order,
  type OrderDeciderConfig,
  type OrderEventDraft,
  type OrderState,
  type OrderStatus,
} from './order.decider.ts';
export { paymentIdFor, sagaCommandId } from './order.ids.ts';
export {
  type OrderCommandFromSaga,
  type OrderSagaConfig,
  REFUND_RELEASE_REASON,
  RELEASE_REASON,
  react,
  refundReference,
  type SagaCommand,
  type SagaContext,
  translate,
} from './order.saga.ts';
export { orderStateCodec } from './order.snapshot.ts';
