/**
 * Auth without Clerk (the gateway's dev signer, local and test only): the sign-in page lists the demo users from
 * GET /api/dev/users and POST /api/dev/login returns a token of Clerk's session-token shape, kept in localStorage.
 */
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { apiFetch } from '../api/client.ts';
import type { DevLogin } from '../api/types.ts';
import { AuthContext, type AuthState } from './auth-context.ts';
import { DEV_SESSION_KEY, readDevSession } from './dev-session.ts';

const DevSignInContext = createContext<((userId: string) => Promise<void>) | null>(null);

/** Signs in as one of the demo users (only inside the dev auth provider). */
export function useDevSignIn(): (userId: string) => Promise<void> {
  const signIn = useContext(DevSignInContext);
  if (!signIn) throw new Error('useDevSignIn outside of the dev auth provider');
  return signIn;
}

function load(): DevLogin | null {
  return readDevSession(localStorage.getItem(DEV_SESSION_KEY), Date.now());
}

export function DevAuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<DevLogin | null>(load);

  const clear = useCallback(() => {
    localStorage.removeItem(DEV_SESSION_KEY);
    setSession(null);
    // Another shopper must never see the previous one's cached orders.
    queryClient.removeQueries({ queryKey: ['me'] });
    queryClient.removeQueries({ queryKey: ['orders'] });
    queryClient.removeQueries({ queryKey: ['order'] });
    queryClient.removeQueries({ queryKey: ['admin'] });
  }, [queryClient]);

  const signIn = useCallback(
    async (userId: string) => {
      const login = await apiFetch<DevLogin>('/api/dev/login', { method: 'POST', body: { userId } });
      clear();
      localStorage.setItem(DEV_SESSION_KEY, JSON.stringify(login));
      setSession(login);
    },
    [clear],
  );

  const getToken = useCallback(async () => {
    const current = load();
    if (!current) return null;
    return current.token;
  }, []);

  const state = useMemo<AuthState>(
    () => ({
      mode: 'dev',
      ready: true,
      user: session
        ? {
            id: session.user.id,
            name: session.user.name,
            role: session.user.role,
            ...(session.user.email ? { email: session.user.email } : {}),
          }
        : null,
      getToken,
      signOut: async () => clear(),
      onUnauthorized: clear,
    }),
    [session, getToken, clear],
  );

  return (
    <AuthContext.Provider value={state}>
      <DevSignInContext.Provider value={signIn}>{children}</DevSignInContext.Provider>
    </AuthContext.Provider>
  );
}
