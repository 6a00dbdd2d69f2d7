import { describe, expect, it } from 'vitest';
import { mailSearchQuery } from './mailpit.ts';

describe('mailSearchQuery', () => {
  it('quotes every value, so a subject with spaces stays one term', () => {
    expect(mailSearchQuery({ to: '@t-x.test', subject: 'Your order is confirmed' })).toBe(
      'to:"@t-x.test" subject:"Your order is confirmed"',
    );
  });

  it('searches a Message-ID without its angle brackets, as Mailpit stores it', () => {
    expect(mailSearchQuery({ messageId: '<order_confirmed:o-1@shop.test>' })).toBe(
      'message-id:"order_confirmed:o-1@shop.test"',
    );
  });

  it('is empty for no criteria', () => {
    expect(mailSearchQuery({})).toBe('');
  });

  it('refuses a value it cannot search for exactly', () => {
    expect(() => mailSearchQuery({ subject: 'say "hi"' })).toThrow(/cannot search Mailpit for subject/);
    expect(() => mailSearchQuery({ to: ' ' })).toThrow(/cannot search Mailpit for to/);
  });
});
