/**
 * Live order updates: an EventSource on /api/orders/:id/events (the token goes in `access_token`, since EventSource
 * cannot set headers). Every `order` event replaces the cached order when it is newer, so the page re-renders
 * without a reload. The browser's own reconnect would reuse the first URL and its (possibly expired) token, so on an
 * error we close and reconnect ourselves with a fresh token, backing off, and refetch once to cover the gap; the
 * `reconnect` event the server sends when the token expires is answered at once, with a fresh token.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { withQuery } from '../api/client.ts';
import type { Order } from '../api/types.ts';
import { useAuth } from '../auth/auth-context.ts';
import { orderKey } from './order-queries.ts';
import { newerOrder } from './timeline.ts';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'off';

export function useOrderEvents(orderId: string, enabled: boolean): LiveState {
  const { getToken, user } = useAuth();
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('off');
  const userId = user?.id;

  useEffect(() => {
    if (!enabled) {
      setState('off');
      return;
    }
    const key = orderKey(userId, orderId);
    let source: EventSource | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let failures = 0;

    const connect = async () => {
      const token = await getToken();
      if (stopped) return;
      const url = withQuery(`/api/orders/${encodeURIComponent(orderId)}/events`, { access_token: token });
      const es = new EventSource(url);
      source = es;
      es.addEventListener('open', () => {
        failures = 0;
        setState('live');
      });
      es.addEventListener('order', (event) => {
        try {
          const order = JSON.parse((event as MessageEvent<string>).data) as Order;
          queryClient.setQueryData<Order>(key, (current) => newerOrder(current, order));
        } catch {
          /* a malformed event is skipped; the next one carries the whole order again */
        }
      });
      // The server ends a stream when its token expires: come back at once with a fresh one (current state first).
      es.addEventListener('reconnect', () => {
        es.close();
        if (stopped) return;
        failures = 0;
        void connect();
      });
      es.addEventListener('error', () => {
        es.close();
        if (stopped) return;
        setState('reconnecting');
        failures += 1;
        timer = setTimeout(() => void connect(), Math.min(10_000, 500 * 2 ** Math.min(failures, 5)));
        void queryClient.invalidateQueries({ queryKey: key });
      });
    };

    setState('connecting');
    void connect();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      source?.close();
    };
  }, [enabled, orderId, userId, getToken, queryClient]);

  return state;
}
