import { describe, expect, it } from 'vitest';
import { backoffMs, classifySmtpError } from './smtp-failure.ts';

/** Errors shaped as nodemailer hands them over (code, responseCode, response). */
const smtpError = (fields: { code?: string; responseCode?: number; response?: string; message?: string }) =>
  Object.assign(new Error(fields.message ?? 'smtp error'), fields);

describe('classifySmtpError', () => {
  it('makes a message wait while the server cannot be reached or will not talk to us', () => {
    for (const err of [
      smtpError({ code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:1' }),
      smtpError({ code: 'ETIMEDOUT', message: 'Greeting never received' }),
      smtpError({ code: 'ECONNECTION', message: 'Connection closed unexpectedly' }),
      smtpError({ code: 'EENVELOPE', responseCode: 421, response: '421 Service not available' }),
      smtpError({ code: 'EAUTH', responseCode: 535, response: '535 Authentication failed' }),
    ]) {
      expect(classifySmtpError(err).kind).toBe('unavailable');
    }
  });

  it('tries a 4xx answer again, and records a 5xx answer as permanent', () => {
    expect(
      classifySmtpError(smtpError({ code: 'EENVELOPE', responseCode: 450, response: '450 Mailbox busy' })),
    ).toEqual({
      kind: 'transient',
      smtpCode: 450,
      error: 'smtp error: 450 Mailbox busy',
    });
    expect(
      classifySmtpError(
        smtpError({
          code: 'EENVELOPE',
          responseCode: 550,
          response: '550 No such user',
          message: "Can't send mail - all recipients were rejected: 550 No such user",
        }),
      ),
    ).toEqual({
      kind: 'permanent',
      smtpCode: 550,
      error: "Can't send mail - all recipients were rejected: 550 No such user",
    });
    // 503 says the session was in the wrong state, not that the message was refused.
    expect(classifySmtpError(smtpError({ responseCode: 503 })).kind).toBe('transient');
  });

  it('records an error no retry can fix as permanent (no SMTP answer to go by)', () => {
    expect(classifySmtpError(smtpError({ code: 'EENVELOPE', message: 'No recipients defined' }))).toEqual({
      kind: 'permanent',
      smtpCode: null,
      error: 'No recipients defined',
    });
    expect(classifySmtpError('boom')).toMatchObject({ kind: 'permanent', error: 'boom' });
  });
});

describe('backoffMs', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 1_000))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(backoffMs(20, 1_000)).toBe(60_000);
    expect(backoffMs(200, 1_000, 5_000)).toBe(5_000);
  });
});
