/**
 * React glue for the gateway: the public config, and an API caller that attaches the signed-in shopper's token and
 * signs out on a 401 (an expired or revoked session) instead of leaving the page in a broken state.
 */
import { useQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { useAuth } from '../auth/auth-context.ts';
import { ApiError, apiFetch, type RequestOptions } from './client.ts';
import type { PublicConfig } from './types.ts';

export function useConfigQuery() {
  return useQuery({
    queryKey: ['config'],
    queryFn: () => apiFetch<PublicConfig>('/api/config'),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** The loaded public config (only below the App's config gate). */
export function useConfig(): PublicConfig {
  const { data } = useConfigQuery();
  if (!data) throw new Error('useConfig before the config loaded');
  return data;
}

export type Api = <T>(path: string, opts?: Omit<RequestOptions, 'token'>) => Promise<T>;

export function useApi(): Api {
  const { getToken, onUnauthorized } = useAuth();
  const call = useCallback<Api>(
    async (path, opts) => {
      const token = await getToken();
      try {
        return await apiFetch(path, { ...opts, token });
      } catch (e) {
        if (token && e instanceof ApiError && e.status === 401) onUnauthorized();
        throw e;
      }
    },
    [getToken, onUnauthorized],
  );
  return useMemo(() => call, [call]);
}
