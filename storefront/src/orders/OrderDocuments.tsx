/**
 * "Download invoice" / "Download credit note …" for an order, on the shopper's order page and the admin's. The list
 * comes from GET /api/orders/:id/documents; each button fetches the PDF with the caller's bearer token (a plain link
 * could not send it) and saves it through a link with the `download` attribute on an object URL.
 *
 * An invoice is issued a moment after the payment, a credit note a moment after each refund: until the order shows
 * every document it is owed, the list is re-read every few seconds.
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { apiFile, errorMessage } from '../api/client.ts';
import { useApi } from '../api/hooks.ts';
import type { OrderDocuments as Documents, Order } from '../api/types.ts';
import { useAuth } from '../auth/auth-context.ts';
import { Price } from '../components/Price.tsx';
import { orderKey } from './order-queries.ts';

/** Before payment nothing is invoiced: no request at all. */
const UNPAID = new Set(['placed', 'reserved', 'payment_requested']);
const RECHECK_MS = 3_000;

/** Whether the order is owed a document the list does not show yet. */
function missing(order: Order, docs: Documents | undefined): boolean {
  if (!docs) return false;
  const invoiced = order.status !== 'cancelled';
  return (invoiced && docs.invoice === null) || docs.creditNotes.length < (order.refunds?.length ?? 0);
}

/** Saves a blob under a file name, as a click on a download link would. */
function save(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the blob to the browser's download; free it once that has started.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function DownloadButton({ label, path, fileName }: { label: string; path: string; fileName: string }) {
  const { getToken } = useAuth();
  const [state, setState] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  async function download() {
    setState({ busy: true, error: null });
    try {
      save(await apiFile(path, 'application/pdf', { token: await getToken() }), fileName);
      setState({ busy: false, error: null });
    } catch (error) {
      setState({ busy: false, error });
    }
  }
  return (
    <div>
      <button type="button" className="btn-secondary" disabled={state.busy} onClick={() => void download()}>
        {label}
      </button>
      {state.error !== null && (
        <p role="alert" className="mt-1 text-sm text-red-700">
          {errorMessage(state.error)}
        </p>
      )}
    </div>
  );
}

export function OrderDocuments({ order }: { order: Order }) {
  const api = useApi();
  const { user } = useAuth();
  const base = `/api/orders/${encodeURIComponent(order.id)}`;
  const docs = useQuery({
    // Keyed by the order's version: a refund or the invoice's arrival on the order re-reads the list.
    queryKey: [...orderKey(user?.id, order.id), 'documents', order.version],
    queryFn: ({ signal }) => api<Documents>(`${base}/documents`, { signal }),
    enabled: !UNPAID.has(order.status),
    refetchInterval: (query) => (missing(order, query.state.data) ? RECHECK_MS : false),
  });
  const data = docs.data;
  if (!data || (data.invoice === null && data.creditNotes.length === 0)) return null;
  return (
    <section aria-labelledby="documents-heading" className="rounded-lg border border-stone-200 bg-white p-4 text-sm">
      <h2 id="documents-heading" className="mb-2 text-lg font-semibold">
        Documents
      </h2>
      <ul className="flex flex-col gap-2" data-testid="order-documents">
        {data.invoice && (
          <li className="flex flex-wrap items-center justify-between gap-2" data-testid="invoice">
            <DownloadButton
              label={`Download invoice ${data.invoice.number}`}
              path={`${base}/invoice`}
              fileName={`${data.invoice.number}.pdf`}
            />
            <Price money={data.invoice.gross} />
          </li>
        )}
        {data.creditNotes.map((note) => (
          <li key={note.number} className="flex flex-wrap items-center justify-between gap-2" data-testid="credit-note">
            <DownloadButton
              label={`Download credit note ${note.number}`}
              path={`${base}/credit-notes/${encodeURIComponent(note.number)}`}
              fileName={`${note.number}.pdf`}
            />
            <Price money={note.gross} />
          </li>
        ))}
      </ul>
    </section>
  );
}
