/**
 * Import products from a CSV (POST /api/admin/products/import, text/csv): the file's rows become catalog commands;
 * the report says how many were imported or already as in the file, and for each failed row its number (as a
 * spreadsheet shows it, header = 1), its SKU and why. Importing the same file again changes nothing.
 */
import { type FormEvent, useId, useState } from 'react';
import type { ImportReport } from '../api/admin-types.ts';
import { Field } from '../components/Field.tsx';
import { Accepted, FormProblem } from './FormProblem.tsx';
import { adminKey, useAdminCommand } from './use-admin-command.ts';

/** The gateway's bound on an upload; a bigger file is refused here rather than after sending it. */
const MAX_BYTES = 2 * 1024 * 1024;

function Report({ report }: { report: ImportReport }) {
  return (
    <div className="flex flex-col gap-2" data-testid="import-report">
      <p role="status">
        {report.rows} rows: <strong data-testid="import-imported">{report.imported}</strong> imported,{' '}
        <span data-testid="import-unchanged">{report.unchanged}</span> unchanged,{' '}
        <strong data-testid="import-failed">{report.failed.length}</strong> failed
        {report.pending.length > 0 && (
          <>
            , <span data-testid="import-pending">{report.pending.length}</span> still being decided (import the file
            again in a moment to see them)
          </>
        )}
        .
      </p>
      {report.failed.length > 0 && (
        <section
          aria-label="Rows that failed"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
          tabIndex={0}
          className="max-h-80 overflow-auto rounded border border-stone-200"
        >
          <table className="w-full text-left text-sm" data-testid="import-failures">
            <caption className="sr-only">Rows that failed, with the reasons</caption>
            <thead className="bg-stone-50">
              <tr>
                <th scope="col" className="px-2 py-1">
                  Row
                </th>
                <th scope="col" className="px-2 py-1">
                  SKU
                </th>
                <th scope="col" className="px-2 py-1">
                  Reasons
                </th>
              </tr>
            </thead>
            <tbody>
              {report.failed.map((f) => (
                <tr key={f.row} data-testid="import-failure" data-row={f.row}>
                  <td className="px-2 py-1">{f.row}</td>
                  <td className="px-2 py-1">{f.sku ?? '—'}</td>
                  <td className="px-2 py-1">{f.errors.join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

export function ProductImport() {
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string>();
  const upload = useAdminCommand<string, ImportReport>(
    (csv) => ({ method: 'POST', path: '/api/admin/products/import', body: csv, contentType: 'text/csv' }),
    { invalidate: [adminKey('products'), ['products']] },
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return setFileError('Choose a CSV file to import');
    if (file.size > MAX_BYTES) return setFileError('The file is larger than 2 MB; split it into smaller files');
    setFileError(undefined);
    upload.mutate(await file.text());
  };

  return (
    <section
      aria-labelledby={`${id}-h`}
      className="flex flex-col gap-3 rounded-lg border border-stone-200 bg-white p-4"
    >
      <h2 id={`${id}-h`} className="text-lg font-semibold">
        Import from CSV
      </h2>
      <p className="text-sm text-stone-700">
        Columns: <code className="break-all">sku,name,description,category,price,currency,imageUrl</code>, one product
        per row; a price such as 12.50. Rows for existing SKUs update them; importing the same file twice changes
        nothing.
      </p>
      <form onSubmit={(e) => void submit(e)} className="flex flex-wrap items-end gap-3">
        <Field id={`${id}-file`} label="CSV file" error={fileError}>
          <input
            id={`${id}-file`}
            type="file"
            accept=".csv,text/csv"
            className="field-input"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            data-testid="import-file"
          />
        </Field>
        <button type="submit" className="btn-primary" disabled={upload.isPending} data-testid="import-submit">
          {upload.isPending ? 'Importing…' : 'Import'}
        </button>
      </form>
      <FormProblem error={upload.error} />
      <Accepted show={upload.isSuccess}>Import finished.</Accepted>
      {upload.data && <Report report={upload.data} />}
    </section>
  );
}
