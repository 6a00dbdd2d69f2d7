/**
 * What an SMTP failure means for the message being sent, decided in one place so the sender's loop only acts on it:
 * - `unavailable`: the server cannot be reached or will not talk to us (refused, timed out, closed, 421, login or
 *   TLS trouble). Nothing is wrong with the message, so it is never recorded as failed: the sender waits with
 *   backoff and tries again, forever, and every message behind it waits too (they would fail the same way).
 * - `transient`: the server answered 4xx (or 503) for this message; worth another try after a backoff, up to the
 *   configured attempts, then recorded failed (not permanent).
 * - `permanent`: a 5xx answer, or an error no retry can fix (an address that does not parse, a template that does
 *   not render): recorded failed at once, permanent, so it never holds up the messages behind it.
 */
import { isPermanentResponseCode, isTransientError } from 'nodemailer/lib/errors';

export type SmtpFailure =
  | { kind: 'unavailable'; error: string; smtpCode: number | null }
  | { kind: 'transient'; error: string; smtpCode: number }
  | { kind: 'permanent'; error: string; smtpCode: number | null };

interface SmtpErrorFields {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
}

/**
 * Our side of the connection is misconfigured or the server's TLS/auth is down: an operator fixes it, and the
 * messages must still be there when they do, so these wait like a refused connection rather than fail.
 */
const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EREQUIRETLS',
  'EPROXY',
  'EAUTH',
  'ENOAUTH',
  'EOAUTH2',
  'ECONFIG',
  'ECONNREFUSED',
  'ECONNRESET',
]);

export function classifySmtpError(err: unknown): SmtpFailure {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as SmtpErrorFields;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const smtpCode = typeof e.responseCode === 'number' ? e.responseCode : null;
  const error = describe(e);
  const shaped = { ...(code === undefined ? {} : { code }), ...(smtpCode === null ? {} : { responseCode: smtpCode }) };
  // Authentication answers carry 5xx codes (535) but say nothing about the message: wait for the operator.
  if (isTransientError(shaped) || (code !== undefined && CONNECTION_CODES.has(code))) {
    return { kind: 'unavailable', error, smtpCode };
  }
  if (smtpCode !== null) {
    return isPermanentResponseCode(smtpCode)
      ? { kind: 'permanent', error, smtpCode }
      : { kind: 'transient', error, smtpCode };
  }
  return { kind: 'permanent', error, smtpCode: null };
}

function describe(e: SmtpErrorFields): string {
  const response = typeof e.response === 'string' ? e.response.trim() : '';
  const message = typeof e.message === 'string' ? e.message : 'unknown error';
  return (response && !message.includes(response) ? `${message}: ${response}` : message).slice(0, 1_000);
}

/**
 * The wait before try `n` (1 for the first retry): `baseMs` doubled each time, capped so a server that comes back
 * is noticed within `capMs`.
 */
export function backoffMs(n: number, baseMs: number, capMs = 60_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, Math.min(n - 1, 30)));
}
