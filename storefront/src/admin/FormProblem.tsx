/**
 * What the gateway said when it refused a form: the problem's `detail` (and its stable `code`, for whoever reports
 * it), plus any per-field error that names no field of the form. Announced as an alert.
 */
import { errorMessage, isApiError } from '../api/client.ts';

export function FormProblem({ error, fields = [] }: { error: unknown; fields?: readonly string[] }) {
  if (!error) return null;
  const extra = isApiError(error)
    ? (error.problem?.errors ?? []).filter((e) => !fields.some((f) => e.path.startsWith(`body.${f}`)))
    : [];
  return (
    <div role="alert" data-testid="form-problem" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm">
      <p className="text-red-900">{errorMessage(error)}</p>
      {isApiError(error) && error.code && <p className="mt-1 text-xs text-red-800">Code: {error.code}</p>}
      {extra.length > 0 && (
        <ul className="mt-1 list-disc pl-5 text-red-900">
          {extra.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              {e.path}: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** "Done" after an accepted command, announced politely. */
export function Accepted({ show, children }: { show: boolean; children: string }) {
  if (!show) return null;
  return (
    <p role="status" data-testid="command-accepted" className="text-sm text-teal-800">
      {children}
    </p>
  );
}
