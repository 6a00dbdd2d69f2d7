/**
 * Every admin mutation goes through here: it sends the command with the intent's Idempotency-Key (a fresh key per
 * intent, the same key when the same intent is retried; see intent.ts), and once the gateway accepted it refreshes
 * the admin views it touched. The read models follow the event log a moment later, so the views are refreshed now
 * and once more shortly after, rather than showing the old state until the next visit.
 */
import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import type { AdminCommandAccepted } from '../api/admin-types.ts';
import { useApi } from '../api/hooks.ts';
import { newIdempotencyKey } from '../checkout/attempt.ts';
import { type IntentKeys, intentKeys, intentSignature, settlesIntent } from './intent.ts';

export interface AdminRequest {
  method: 'POST' | 'PUT' | 'PATCH';
  path: string;
  body?: unknown;
  /** For a non-JSON body (the CSV import). */
  contentType?: string;
}

/** How long after an accepted command the touched views are read again (the projections' usual lag). */
const FOLLOW_UP_MS = 1_500;

export const adminKey = (...parts: unknown[]) => ['admin', ...parts] as const;

export function useAdminCommand<V, R = AdminCommandAccepted>(
  toRequest: (vars: V) => AdminRequest,
  options: { invalidate?: readonly QueryKey[]; onSuccess?: (result: R, vars: V) => void } = {},
) {
  const api = useApi();
  const queryClient = useQueryClient();
  const keys = useRef<IntentKeys | null>(null);
  keys.current ??= intentKeys(newIdempotencyKey);

  return useMutation({
    mutationFn: async (vars: V) => {
      const intents = keys.current as IntentKeys;
      const { method, path, body, contentType } = toRequest(vars);
      const signature = intentSignature(method, path, body);
      const key = intents.keyFor(signature);
      try {
        const result = await api<R>(path, {
          method,
          body,
          headers: { 'Idempotency-Key': key },
          ...(contentType ? { contentType } : {}),
        });
        intents.settle(signature);
        return result;
      } catch (e) {
        if (settlesIntent(e)) intents.settle(signature);
        throw e;
      }
    },
    onSuccess: (result, vars) => {
      const refresh = () => {
        for (const queryKey of options.invalidate ?? []) void queryClient.invalidateQueries({ queryKey });
      };
      refresh();
      setTimeout(refresh, FOLLOW_UP_MS);
      options.onSuccess?.(result, vars);
    },
  });
}
