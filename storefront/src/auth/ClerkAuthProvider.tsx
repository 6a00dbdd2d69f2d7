/**
 * Auth with Clerk (a publishable key in /api/config): Clerk's own provider and components, bridged into our
 * AuthContext so pages ask for a token the same way in both modes. Loaded lazily: a dev-mode shop never downloads
 * Clerk's code.
 */
import { ClerkProvider, useAuth as useClerkAuth, useUser } from '@clerk/react';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useCallback, useMemo } from 'react';
import type { Role } from '../api/types.ts';
import { AuthContext, type AuthState } from './auth-context.ts';

function ClerkBridge({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const { isLoaded, isSignedIn, getToken: clerkGetToken, signOut: clerkSignOut } = useClerkAuth();
  const { user } = useUser();

  const getToken = useCallback(async () => (await clerkGetToken()) ?? null, [clerkGetToken]);
  const signOut = useCallback(async () => {
    await clerkSignOut();
    queryClient.removeQueries({ queryKey: ['me'] });
    queryClient.removeQueries({ queryKey: ['orders'] });
    queryClient.removeQueries({ queryKey: ['order'] });
    queryClient.removeQueries({ queryKey: ['admin'] });
  }, [clerkSignOut, queryClient]);

  const state = useMemo<AuthState>(() => {
    const role = user?.publicMetadata?.role === 'admin' ? 'admin' : ('shopper' satisfies Role);
    const email = user?.primaryEmailAddress?.emailAddress;
    return {
      mode: 'clerk',
      ready: isLoaded,
      user:
        isSignedIn && user
          ? {
              id: user.id,
              name: user.fullName ?? user.username ?? email ?? 'Signed in',
              role,
              ...(email ? { email } : {}),
            }
          : null,
      getToken,
      signOut,
      // Clerk refreshes its own session; a 401 means the gateway disagrees, so sign out cleanly.
      onUnauthorized: () => void signOut(),
    };
  }, [isLoaded, isSignedIn, user, getToken, signOut]);

  return <AuthContext.Provider value={state}>{children}</AuthContext.Provider>;
}

export default function ClerkAuthProvider({
  publishableKey,
  children,
}: {
  publishableKey: string;
  children: ReactNode;
}) {
  return (
    <ClerkProvider publishableKey={publishableKey} afterSignOutUrl="/">
      <ClerkBridge>{children}</ClerkBridge>
    </ClerkProvider>
  );
}
