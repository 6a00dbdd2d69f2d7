/**
 * Ids the order context derives instead of drawing at random, so that deciding or reacting twice (a retry
 * after a crash, a replay) gives the same ids: the payment of an order, and the commands the saga sends.
 * Both are UUID v5 (name-based, SHA-1) under fixed namespaces; changing a namespace changes every derived id,
 * so never do.
 */
import { v5 as uuidv5 } from 'uuid';

const PAYMENT_ID_NAMESPACE = 'a3f1c6d2-58e4-4b7a-9c2e-1d0b6f4e8a71';
const SAGA_COMMAND_ID_NAMESPACE = 'c97e2b15-0d4a-4f3c-8e61-72a9b5d3f0c4';

/** The id of an order's payment (one payment per order): the Payment aggregate id. */
export const paymentIdFor = (orderId: string): string => uuidv5(orderId, PAYMENT_ID_NAMESPACE);

/** The id of the `index`-th command the saga sends because of the event `eventId`. */
export const sagaCommandId = (eventId: string, index: number): string =>
  uuidv5(`${eventId}/${index}`, SAGA_COMMAND_ID_NAMESPACE);
