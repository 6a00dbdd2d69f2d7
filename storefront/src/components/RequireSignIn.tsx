/** Shows its children to a signed-in shopper; otherwise a way to sign in that comes back here afterwards. */
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useAuth } from '../auth/auth-context.ts';
import { EmptyState, LoadingState } from './states.tsx';

export function signInPath(next: string): string {
  return `/sign-in?next=${encodeURIComponent(next)}`;
}

export function RequireSignIn({ children, reason }: { children: ReactNode; reason: string }) {
  const { ready, user } = useAuth();
  const location = useLocation();
  if (!ready) return <LoadingState label="Checking your session…" />;
  if (!user) {
    return (
      <EmptyState title="Please sign in">
        <p>{reason}</p>
        <Link className="btn-primary mt-4 inline-block" to={signInPath(location.pathname + location.search)}>
          Sign in
        </Link>
      </EmptyState>
    );
  }
  return <>{children}</>;
}
