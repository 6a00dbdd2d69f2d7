/**
 * One SKU's stock: its levels (GET /api/admin/inventory/:sku), and the three things an admin does to it — receive
 * units with a reference (a delivery note), correct the count with a reason (never below what orders have reserved),
 * and set the low-stock threshold. Each is a command to the SKU's stock item.
 */
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { StockLevel } from '../api/admin-types.ts';
import { isApiError } from '../api/client.ts';
import { useApi } from '../api/hooks.ts';
import { Field, fieldA11y } from '../components/Field.tsx';
import { ErrorState, LoadingState } from '../components/states.tsx';
import {
  type AdjustForm,
  type FieldErrors,
  fieldErrorsFromProblem,
  type ReceiveForm,
  validateAdjust,
  validateReceive,
  validateThreshold,
} from './admin-forms.ts';
import { Accepted, FormProblem } from './FormProblem.tsx';
import { adminKey, useAdminCommand } from './use-admin-command.ts';

type Level = Pick<StockLevel, 'sku' | 'onHand' | 'reserved' | 'available'> & { threshold?: number };

const stockPath = (sku: string) => `/api/admin/stock/${encodeURIComponent(sku)}`;
const levelKey = (sku: string) => adminKey('stock', 'sku', sku);

function useStockCommand(sku: string, action: 'receive' | 'adjust' | 'threshold') {
  return useAdminCommand(
    (body: unknown) => ({ method: action === 'threshold' ? 'PUT' : 'POST', path: `${stockPath(sku)}/${action}`, body }),
    { invalidate: [levelKey(sku), adminKey('stock'), ['products']] },
  );
}

function Receive({ sku }: { sku: string }) {
  const id = useId();
  const [form, setForm] = useState<ReceiveForm>({ quantity: '', reference: '' });
  const [errors, setErrors] = useState<FieldErrors<ReceiveForm>>({});
  const receive = useStockCommand(sku, 'receive');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = validateReceive(form);
    setErrors(v.ok ? {} : v.errors);
    if (!v.ok) return;
    receive.mutate(v.body, {
      onSuccess: () => setForm({ quantity: '', reference: '' }),
      onError: (err) => setErrors(fieldErrorsFromProblem<ReceiveForm>(err, ['quantity', 'reference'])),
    });
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby={`${id}-h`} className="flex flex-col gap-3">
      <h2 id={`${id}-h`} className="text-lg font-semibold">
        Receive units
      </h2>
      <Field id={`${id}-q`} label="Units received" error={errors.quantity}>
        <input
          {...fieldA11y(`${id}-q`, errors.quantity)}
          className="field-input"
          inputMode="numeric"
          value={form.quantity}
          onChange={(e) => setForm((f) => ({ ...f, quantity: e.target.value }))}
          data-testid="receive-quantity"
        />
      </Field>
      <Field id={`${id}-r`} label="Reference (delivery note)" error={errors.reference}>
        <input
          {...fieldA11y(`${id}-r`, errors.reference)}
          className="field-input"
          value={form.reference}
          onChange={(e) => setForm((f) => ({ ...f, reference: e.target.value }))}
          data-testid="receive-reference"
        />
      </Field>
      <FormProblem error={receive.error} fields={['quantity', 'reference']} />
      <Accepted show={receive.isSuccess}>Units received.</Accepted>
      <button
        type="submit"
        className="btn-primary self-start"
        disabled={receive.isPending}
        data-testid="receive-submit"
      >
        Receive
      </button>
    </form>
  );
}

const reservedHint = (level: Level | undefined) =>
  level ? `At least ${level.reserved} must stay on hand (reserved for orders)` : undefined;

function Correct({ sku, level }: { sku: string; level: Level | undefined }) {
  const id = useId();
  const [form, setForm] = useState<AdjustForm>({ mode: 'count', value: '', reason: '' });
  const [errors, setErrors] = useState<FieldErrors<AdjustForm>>({});
  const adjust = useStockCommand(sku, 'adjust');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = validateAdjust(form, level);
    setErrors(v.ok ? {} : v.errors);
    if (!v.ok) return;
    adjust.mutate(v.body, {
      onSuccess: () => setForm((f) => ({ ...f, value: '', reason: '' })),
      onError: (err) => setErrors(fieldErrorsFromProblem<AdjustForm>(err, ['reason'])),
    });
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby={`${id}-h`} className="flex flex-col gap-3">
      <h2 id={`${id}-h`} className="text-lg font-semibold">
        Correct the count
      </h2>
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="field-label">Correction as</legend>
        <label className="flex items-center gap-2">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={form.mode === 'count'}
            onChange={() => setForm((f) => ({ ...f, mode: 'count' }))}
          />
          Counted units on hand
        </label>
        <label className="flex items-center gap-2">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={form.mode === 'delta'}
            onChange={() => setForm((f) => ({ ...f, mode: 'delta' }))}
          />
          Change (+/−)
        </label>
      </fieldset>
      <Field
        id={`${id}-v`}
        label={form.mode === 'count' ? 'Units on hand' : 'Change in units'}
        error={errors.value}
        hint={reservedHint(level)}
      >
        <input
          {...fieldA11y(`${id}-v`, errors.value, reservedHint(level))}
          className="field-input"
          inputMode="numeric"
          value={form.value}
          onChange={(e) => setForm((f) => ({ ...f, value: e.target.value }))}
          data-testid="adjust-value"
        />
      </Field>
      <Field id={`${id}-reason`} label="Reason" error={errors.reason}>
        <input
          {...fieldA11y(`${id}-reason`, errors.reason)}
          className="field-input"
          value={form.reason}
          onChange={(e) => setForm((f) => ({ ...f, reason: e.target.value }))}
          placeholder="stocktake, damaged, found…"
          data-testid="adjust-reason"
        />
      </Field>
      <FormProblem error={adjust.error} fields={['reason']} />
      <Accepted show={adjust.isSuccess}>Count corrected.</Accepted>
      <button type="submit" className="btn-primary self-start" disabled={adjust.isPending} data-testid="adjust-submit">
        Correct
      </button>
    </form>
  );
}

function Threshold({ sku, current }: { sku: string; current: number | undefined }) {
  const id = useId();
  const [value, setValue] = useState(current === undefined ? '' : String(current));
  const [error, setError] = useState<string>();
  // The threshold in force arrives with the levels (and changes after a set): show it.
  useEffect(() => {
    if (current !== undefined) setValue(String(current));
  }, [current]);
  const set = useStockCommand(sku, 'threshold');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = validateThreshold(value);
    setError(v.ok ? undefined : v.errors.threshold);
    if (v.ok) set.mutate(v.body);
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby={`${id}-h`} className="flex flex-col gap-3">
      <h2 id={`${id}-h`} className="text-lg font-semibold">
        Low-stock threshold
      </h2>
      <Field id={`${id}-t`} label="Alert when available is at or below" error={error}>
        <input
          {...fieldA11y(`${id}-t`, error)}
          className="field-input w-32"
          inputMode="numeric"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          data-testid="threshold-value"
        />
      </Field>
      <FormProblem error={set.error} fields={['threshold']} />
      <Accepted show={set.isSuccess}>Threshold set.</Accepted>
      <button type="submit" className="btn-primary self-start" disabled={set.isPending} data-testid="threshold-submit">
        Set threshold
      </button>
    </form>
  );
}

export function StockItemPage() {
  const { sku = '' } = useParams();
  const api = useApi();
  const level = useQuery({
    queryKey: levelKey(sku),
    queryFn: ({ signal }) => api<Level>(`/api/admin/inventory/${encodeURIComponent(sku)}`, { signal }),
  });
  // A SKU nothing was ever received for has no stock record yet: it starts at zero.
  const known =
    level.isError && isApiError(level.error, 404) ? { sku, onHand: 0, reserved: 0, available: 0 } : level.data;

  return (
    <div className="flex flex-col gap-4" data-testid="stock-item" data-sku={sku}>
      <p className="text-sm">
        <Link to="/admin/stock" className="underline">
          ← Stock
        </Link>
      </p>
      <h1 className="text-2xl font-bold">Stock of {sku}</h1>
      {/* The forms stay mounted while the levels reload (a refetch of a SKU with no record yet reads as loading). */}
      {known ? (
        <dl className="grid grid-cols-3 gap-3" data-testid="stock-levels">
          {(
            [
              ['On hand', known.onHand, 'on-hand'],
              ['Reserved', known.reserved, 'reserved'],
              ['Available', known.available, 'available'],
            ] as const
          ).map(([label, n, testId]) => (
            <div key={label} className="rounded-lg border border-stone-200 bg-white p-3">
              <dt className="text-sm text-stone-600">{label}</dt>
              <dd className="text-2xl font-bold" data-testid={`stock-${testId}`}>
                {n}
              </dd>
            </div>
          ))}
        </dl>
      ) : level.isPending ? (
        <LoadingState label="Loading stock…" />
      ) : (
        <ErrorState title="Could not load the stock" error={level.error} onRetry={() => void level.refetch()} />
      )}
      <div className="grid gap-4 md:grid-cols-3">
        <div className="rounded-lg border border-stone-200 bg-white p-4">
          <Receive sku={sku} />
        </div>
        <div className="rounded-lg border border-stone-200 bg-white p-4">
          <Correct sku={sku} level={known} />
        </div>
        <div className="rounded-lg border border-stone-200 bg-white p-4">
          <Threshold sku={sku} current={known?.threshold} />
        </div>
      </div>
    </div>
  );
}
