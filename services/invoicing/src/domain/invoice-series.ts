/**
 * Names of the yearly series: the aggregate id `invoices-<year>` every invoice and credit note of a year is decided
 * on (one key, so one writer gives out all of that year's numbers), and the numbers themselves, INV-<year>-000001 and
 * CN-<year>-000001 (six digits, wider once a year passes 999,999 documents).
 */
import type { InvoiceKind } from '@streamshop/schemas/types';

const SERIES_ID = /^invoices-(\d{4})$/;

/** The aggregate id (and Kafka key) of a year's series. */
export function invoiceSeriesId(year: number): string {
  return `invoices-${year}`;
}

/** The year of a series aggregate id, or null when the id is not `invoices-<4-digit year>`. */
export function seriesYear(aggregateId: string): number | null {
  const match = SERIES_ID.exec(aggregateId);
  return match ? Number(match[1]) : null;
}

const PREFIX: Record<InvoiceKind, string> = { invoice: 'INV', credit_note: 'CN' };

export function documentNumber(kind: InvoiceKind, year: number, sequence: number): string {
  return `${PREFIX[kind]}-${year}-${String(sequence).padStart(6, '0')}`;
}
