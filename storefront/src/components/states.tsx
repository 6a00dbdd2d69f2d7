/**
 * The three states every data-backed view has besides "here is your data": loading, failed (with what the gateway
 * said and a way to retry) and empty (with a way forward). Announced to screen readers through live regions.
 */
import type { ReactNode } from 'react';
import { errorMessage } from '../api/client.ts';

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <div role="status" aria-live="polite" className="flex items-center gap-3 py-10 justify-center text-stone-600">
      <span
        aria-hidden="true"
        className="size-5 animate-spin rounded-full border-2 border-stone-300 border-t-teal-700"
      />
      <span>{label}</span>
    </div>
  );
}

export function ErrorState({
  error,
  title = 'Something went wrong',
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}) {
  return (
    <div role="alert" data-testid="error-state" className="rounded-lg border border-red-200 bg-red-50 p-4 text-red-900">
      <p className="font-semibold">{title}</p>
      <p className="mt-1 text-sm">{errorMessage(error)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry} className="btn-secondary mt-3">
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div data-testid="empty-state" className="rounded-lg border border-dashed border-stone-300 p-8 text-center">
      <p className="font-semibold text-stone-700">{title}</p>
      {children && <div className="mt-2 text-stone-600">{children}</div>}
    </div>
  );
}

/** An inline error under a form or button (problem+json `detail`). */
export function InlineError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" data-testid="inline-error" className="mt-2 text-sm text-red-700">
      {errorMessage(error)}
    </p>
  );
}
