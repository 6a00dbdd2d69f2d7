/**
 * Sign in: Clerk's component when the shop runs with Clerk, otherwise the dev login, which lists the demo users the
 * gateway offers (GET /api/dev/users) — the local and test stand-in for Clerk, with tokens of the same shape.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { apiFetch } from '../api/client.ts';
import type { DevUser } from '../api/types.ts';
import { EmptyState, ErrorState, InlineError, LoadingState } from '../components/states.tsx';
import { useAuth } from './auth-context.ts';
import { useDevSignIn } from './DevAuthProvider.tsx';
import { landingPath } from './landing.ts';

const ClerkSignIn = lazy(() => import('./ClerkSignIn.tsx'));

/** Only same-site paths: `next` comes from the URL and must not send the shopper elsewhere. */
function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

function DevSignIn({ next }: { next: string }) {
  const signIn = useDevSignIn();
  const navigate = useNavigate();
  const users = useQuery({ queryKey: ['dev-users'], queryFn: () => apiFetch<DevUser[]>('/api/dev/users') });
  const login = useMutation({
    mutationFn: (userId: string) => signIn(userId),
    onSuccess: (_, userId) =>
      navigate(landingPath(next, users.data?.find((u) => u.id === userId)?.role), { replace: true }),
  });

  if (users.isPending) return <LoadingState label="Loading demo users…" />;
  if (users.isError) {
    return (
      <ErrorState title="Could not load the demo users" error={users.error} onRetry={() => void users.refetch()} />
    );
  }
  if (users.data.length === 0) return <EmptyState title="No demo users are configured" />;
  return (
    <div className="flex flex-col gap-3">
      <p className="text-stone-700">
        This shop runs without Clerk (development mode). Choose a demo user to sign in as:
      </p>
      <ul className="flex flex-col gap-2" data-testid="dev-users">
        {users.data.map((u) => (
          <li key={u.id}>
            <button
              type="button"
              className="btn-secondary w-full justify-between py-3"
              disabled={login.isPending}
              onClick={() => login.mutate(u.id)}
              data-testid={`dev-login-${u.id}`}
            >
              <span className="font-medium">
                <span className="sr-only">Sign in as </span>
                {u.name}
              </span>
              <span className="text-xs text-stone-500">
                {u.role}
                {u.email ? ` · ${u.email}` : ''}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <InlineError error={login.error} />
    </div>
  );
}

export function SignInPage() {
  const { mode, user, ready } = useAuth();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));

  // Signed in (here, or back from Clerk's sign-in, which returns to this page): go where the role lands.
  if (ready && user) return <Navigate to={landingPath(next, user.role)} replace />;
  return (
    <div className="mx-auto flex max-w-md flex-col gap-4">
      <h1 className="text-2xl font-bold">Sign in</h1>
      {mode === 'clerk' ? (
        <Suspense fallback={<LoadingState label="Loading sign-in…" />}>
          <ClerkSignIn next={next} />
        </Suspense>
      ) : (
        <DevSignIn next={next} />
      )}
    </div>
  );
}
