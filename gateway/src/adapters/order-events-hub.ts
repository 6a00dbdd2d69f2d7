/**
 * Fan-out of the orders read model's change notices to the Server-Sent Event streams (and read-your-writes waits) of
 * this process: ONE Redis subscription per gateway (`cache.subscribeChanges(['orders'])`), listeners in memory by
 * order id. A notice only says "order X changed to version v"; listeners re-read the order through the queries
 * (the worker invalidated the cached copy before publishing), so what a stream sends is always the read model's.
 */
import type { ChangeNotice, ReadCache, Subscription } from '@streamshop/read-cache';
import type { Logger } from 'pino';

export type OrderChange = ChangeNotice['changes'][number];
export type OrderChangeListener = (change: OrderChange) => void;

export interface OrderEventsHub {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Calls `listener` on every change notice of `orderId` until the returned function is called. */
  listen(orderId: string, listener: OrderChangeListener): () => void;
  /** Open listeners (SSE streams and waits), for the metrics. */
  readonly size: number;
}

export function createOrderEventsHub(options: { cache: ReadCache; logger: Logger }): OrderEventsHub {
  const listeners = new Map<string, Set<OrderChangeListener>>();
  let subscription: Subscription | undefined;
  let size = 0;
  const log = options.logger.child({ adapter: 'order-events-hub' });

  function onNotice(notice: ChangeNotice) {
    for (const change of notice.changes) {
      const set = listeners.get(change.id);
      if (!set) continue;
      for (const listener of [...set]) {
        try {
          listener(change);
        } catch (err) {
          log.error({ err, orderId: change.id }, 'order change listener threw');
        }
      }
    }
  }

  return {
    get size() {
      return size;
    },
    async start() {
      subscription = await options.cache.subscribeChanges(['orders'], onNotice);
    },
    async stop() {
      await subscription?.close();
      subscription = undefined;
    },
    listen(orderId, listener) {
      let set = listeners.get(orderId);
      if (!set) {
        set = new Set();
        listeners.set(orderId, set);
      }
      set.add(listener);
      size++;
      let open = true;
      return () => {
        if (!open) return;
        open = false;
        size--;
        set.delete(listener);
        if (set.size === 0 && listeners.get(orderId) === set) listeners.delete(orderId);
      };
    },
  };
}
