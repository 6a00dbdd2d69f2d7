/**
 * The order saga (process manager), pure. The order service's runtime calls these inside the Kafka transaction
 * that consumed the cause, and produces what they return in that same transaction:
 *
 * - `translate(event)`: an inventory, payment or invoicing event about an order → the command that records it on the
 *   order (an issued invoice's number: RecordOrderInvoice).
 * - `react(newOrderEvents, orderStateAfter, config)`: the order's own new events → commands to inventory,
 *   payments and invoicing (reserve, confirm once paid, release, commit stock; request and refund payment; issue
 *   the invoice of a sale once paid and a credit note per refund, see order.billing.ts).
 *
 * Every command is derived, never drawn: commandId is UUID v5 of the causing event's id and the command's index
 * among that event's commands, causationId is the event id, correlationId is copied and issuedAt is the event's
 * occurredAt. actorId is the event's too: the person whose command set this off (an admin's refund, a shopper's
 * order) stays on every record it leads to, down to the provider refund and the restock; null when the system
 * acted on its own (a timer, a provider webhook). So re-running the saga over the same event (a retry after a crash, a replay) yields byte-identical
 * commands, which the receiving deciders treat as the no-ops they are.
 */
import type {
  CommandEnvelope,
  EventEnvelope,
  InventoryCommand,
  InventoryCommandName,
  InventoryEvent,
  InvoicingCommand,
  InvoicingCommandName,
  InvoicingEvent,
  OrdersCommand,
  OrdersCommandName,
  OrdersEvent,
  PaymentsCommand,
  PaymentsCommandName,
  PaymentsEvent,
  RecordTypes,
} from '@streamshop/schemas/types';
import { creditNoteFor, invoiceFor, invoiceSeriesFor } from './order.billing.ts';
import type { OrderState } from './order.decider.ts';
import { sagaCommandId } from './order.ids.ts';

export interface OrderSagaConfig {
  /** How long stock stays reserved for an order line unless committed (ms); ExpireReservation releases it after. */
  reservationTtlMs: number;
}

export type SagaContext = 'inventory' | 'payments' | 'orders' | 'invoicing';

/** A command the saga sends, with the context whose `.commands` topic it goes to (keyed by its aggregateId). */
export type SagaCommand =
  | ({ context: 'inventory' } & InventoryCommand)
  | ({ context: 'payments' } & PaymentsCommand)
  | ({ context: 'orders' } & OrdersCommand)
  | ({ context: 'invoicing' } & InvoicingCommand);

export type OrderCommandFromSaga = Extract<SagaCommand, { context: 'orders' }>;

type SagaCommandName = InventoryCommandName | PaymentsCommandName | OrdersCommandName | InvoicingCommandName;

/** Why the saga releases reservations (ReleaseReservation.reason). */
export const RELEASE_REASON = 'order_cancelled';
export const REFUND_RELEASE_REASON = 'order_refunded';

/** The ReceiveStock reference of units a refund returns: which order, which refund (OrderRefunded's version). */
export const refundReference = (orderId: string, refundVersion: number): string => `refund:${orderId}:${refundVersion}`;

/** Collects the commands caused by one event, numbering them for their deterministic ids. */
function commandsCausedBy(cause: EventEnvelope) {
  const commands: SagaCommand[] = [];
  return {
    commands,
    send<N extends SagaCommandName>(
      type: N,
      aggregateId: string,
      payload: Omit<RecordTypes[N], keyof CommandEnvelope>,
    ) {
      const envelope: CommandEnvelope = {
        commandId: sagaCommandId(cause.eventId, commands.length),
        aggregateId,
        idempotencyKey: null,
        issuedAt: cause.occurredAt,
        correlationId: cause.correlationId,
        causationId: cause.eventId,
        actorId: cause.actorId ?? null,
      };
      // The context is the record's namespace: streamshop.<context>.<Name>.
      const context = type.split('.')[1] as SagaContext;
      commands.push({ context, type, value: { ...envelope, ...payload } } as unknown as SagaCommand);
    },
  };
}

/** Inventory, payment and invoicing outcomes for an order → the command that records them on the order. */
export function translate(event: InventoryEvent | PaymentsEvent | InvoicingEvent): OrderCommandFromSaga[] {
  const { commands, send } = commandsCausedBy(event.value);
  switch (event.type) {
    case 'streamshop.inventory.StockReserved': {
      const { orderId, line } = event.value;
      send('streamshop.orders.RecordLineReservation', orderId, { line, outcome: 'reserved', reason: null });
      break;
    }
    case 'streamshop.inventory.StockReservationRejected': {
      const { orderId, line, reason } = event.value;
      send('streamshop.orders.RecordLineReservation', orderId, { line, outcome: 'rejected', reason });
      break;
    }
    case 'streamshop.payments.PaymentCaptured': {
      const { aggregateId: paymentId, orderId, amount, providerReference } = event.value;
      send('streamshop.orders.RecordOrderPayment', orderId, {
        paymentId,
        outcome: 'captured',
        amount,
        providerReference,
        reason: null,
      });
      break;
    }
    case 'streamshop.payments.PaymentFailed': {
      const { aggregateId: paymentId, orderId, reason } = event.value;
      send('streamshop.orders.RecordOrderPayment', orderId, {
        paymentId,
        outcome: 'failed',
        amount: null,
        providerReference: null,
        reason,
      });
      break;
    }
    case 'streamshop.invoicing.InvoiceIssued': {
      // The order remembers its invoice's number, so that the credit notes of its later refunds refer to it.
      const { orderId, number } = event.value.document;
      send('streamshop.orders.RecordOrderInvoice', orderId, { invoiceNumber: number });
      break;
    }
    // A mismatched capture (another reference, amount or currency) never pays the order: the payments context
    // refunds it itself, and the order keeps waiting for its real payment (or its deadline).
    case 'streamshop.payments.PaymentMismatchDetected':
      break;
    // PaymentRefunded needs nothing: the order decided the refund (OrderRefunded) before asking for it; nor does
    // CreditNoteIssued: the order keeps its refunds, and the invoicing ledger its credit notes.
    // Released, expired and committed reservations, authorizations and refund requests are the other
    // contexts' own bookkeeping; the order already knows what they follow from.
    default:
      break;
  }
  return commands as OrderCommandFromSaga[];
}

/** The order's new events (as stamped by the runtime) and its state after them → commands to other contexts. */
export function react(
  newOrderEvents: readonly OrdersEvent[],
  orderStateAfter: OrderState,
  config: OrderSagaConfig,
): SagaCommand[] {
  if (orderStateAfter.status === 'none') return [];
  const order = orderStateAfter;
  const cancelledNow = newOrderEvents.some((e) => e.type === 'streamshop.orders.OrderCancelled');
  return newOrderEvents.flatMap((event) => {
    const { commands, send } = commandsCausedBy(event.value);
    const orderId = event.value.aggregateId;
    const release = (line: number, sku: string) =>
      send('streamshop.inventory.ReleaseReservation', sku, { orderId, line, reason: RELEASE_REASON });
    switch (event.type) {
      case 'streamshop.orders.OrderPlaced': {
        const expiresAt = event.value.occurredAt + config.reservationTtlMs;
        for (const [line, { sku, quantity }] of event.value.lines.entries()) {
          send('streamshop.inventory.ReserveStock', sku, { orderId, line, quantity, expiresAt });
        }
        break;
      }
      case 'streamshop.orders.OrderLineReserved':
        // Stock reserved for an order cancelled in an earlier decision: give it back at once.
        if (order.status === 'cancelled' && !cancelledNow) release(event.value.line, event.value.sku);
        break;
      case 'streamshop.orders.OrderPaymentRequested': {
        const { paymentId, provider, amount } = event.value;
        send('streamshop.payments.RequestPayment', paymentId, { orderId, provider, amount });
        break;
      }
      case 'streamshop.orders.OrderPaid': {
        // Paid: its stock must not lapse at the reservation TTL while the order waits to ship. (A capture after
        // cancellation is refunded instead; its lines were released at cancellation.)
        if (order.status !== 'cancelled') {
          for (const [line, { sku }] of order.lines.entries()) {
            if (order.reservations[line] === 'reserved') {
              send('streamshop.inventory.ConfirmReservation', sku, { orderId, line });
            }
          }
        }
        // Last, so that the commands above keep the ids they had before orders were invoiced.
        const invoice = invoiceFor(order, event.value);
        if (invoice) send('streamshop.invoicing.IssueInvoice', invoiceSeriesFor(event.value.occurredAt), invoice);
        break;
      }
      case 'streamshop.orders.OrderCancelled':
        for (const [line, { sku }] of order.lines.entries()) {
          if (order.reservations[line] === 'reserved') release(line, sku);
        }
        break;
      case 'streamshop.orders.OrderRefunded': {
        const { amount, reason, lines, restock, aggregateVersion } = event.value;
        if (order.paymentId !== null) send('streamshop.payments.RefundPayment', order.paymentId, { amount, reason });
        // The refund's number in the reference is the event's version: unique per order, and the same on a replay.
        const reference = refundReference(orderId, aggregateVersion);
        if (restock) {
          for (const { line, quantity } of lines) {
            const sku = order.lines[line]?.sku;
            if (sku !== undefined) send('streamshop.inventory.ReceiveStock', sku, { quantity, reference });
          }
        }
        // Fully refunded before it shipped: nothing will ship, so the stock held for it goes back at once.
        if (order.status === 'refunded' && order.shipment === null) {
          for (const [line, { sku }] of order.lines.entries()) {
            if (order.reservations[line] === 'reserved') {
              send('streamshop.inventory.ReleaseReservation', sku, { orderId, line, reason: REFUND_RELEASE_REASON });
            }
          }
        }
        // Last, for the same reason as the invoice: earlier commands keep their ids.
        const creditNote = creditNoteFor(order, event.value);
        if (creditNote) {
          send('streamshop.invoicing.IssueCreditNote', invoiceSeriesFor(event.value.occurredAt), creditNote);
        }
        break;
      }
      case 'streamshop.orders.OrderShipped':
        for (const [line, { sku }] of order.lines.entries()) {
          send('streamshop.inventory.CommitReservation', sku, { orderId, line });
        }
        break;
      default:
        break;
    }
    return commands;
  });
}
