/**
 * What every page knows about the signed-in shopper, whichever way they signed in (Clerk, or the dev signer the
 * gateway offers without Clerk keys): who they are, a bearer token for the gateway, and how to sign out.
 */
import { createContext, useContext } from 'react';
import type { Role } from '../api/types.ts';

export interface SignedInUser {
  id: string;
  name: string;
  email?: string;
  role: Role;
}

export interface AuthState {
  mode: 'clerk' | 'dev';
  /** False until the provider knows whether someone is signed in (Clerk loads asynchronously). */
  ready: boolean;
  user: SignedInUser | null;
  /** A current bearer token for the gateway, or null when signed out. Stable identity across renders. */
  getToken: () => Promise<string | null>;
  signOut: () => Promise<void>;
  /** Called by the API layer on a 401, so a stale session does not linger. */
  onUnauthorized: () => void;
}

export const AuthContext = createContext<AuthState | null>(null);

export function useAuth(): AuthState {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside of an auth provider');
  return auth;
}
