/**
 * The tests' view of the stack's Mailpit: what the platform sent, read back through Mailpit's REST API
 * (`mailpit-api`, a typed client of it). A mailbox is scoped to one recipient domain, the test file's namespace's
 * (`<anything>@<namespace>.test`), so files running in parallel against one Mailpit never see each other's mail;
 * the full client (`api`) is there for anything else.
 *
 * Mailpit's search matches `to:`, `subject:` and `message-id:` as substrings; the helpers here quote each value and
 * compare Message-IDs exactly, so `order_confirmed:o-1@shop` never finds `order_confirmed:o-12@shop` too.
 */
import type { Config } from '@streamshop/config';
import { MailpitClient, type MailpitMessageListItem, type MailpitMessageSummaryResponse } from 'mailpit-api';
import { eventually } from './eventually.ts';

export type MailSummary = MailpitMessageListItem;
/** One message as Mailpit parsed it: headers' addresses, Text, HTML, Attachments (with their PartID), … */
export type MailMessage = MailpitMessageSummaryResponse;

/** The stack's Mailpit: its inbox for people and its API for tests. */
export function mailpitUrl(config: Config): string {
  return `http://127.0.0.1:${config.stack.ports.mailpitHttp}`;
}

export interface MailSearch {
  to?: string;
  from?: string;
  subject?: string;
  /** Without the angle brackets, as Mailpit stores it (`<x@y>` is accepted and stripped). */
  messageId?: string;
}

const stripBrackets = (id: string) => id.replace(/^<(.*)>$/, '$1');

/** Mailpit's search query for `search`, every value quoted (subjects have spaces). */
export function mailSearchQuery(search: MailSearch): string {
  const terms: [string, string | undefined][] = [
    ['to', search.to],
    ['from', search.from],
    ['subject', search.subject],
    ['message-id', search.messageId === undefined ? undefined : stripBrackets(search.messageId)],
  ];
  return terms
    .filter((t): t is [string, string] => t[1] !== undefined)
    .map(([key, value]) => {
      // Mailpit's parser drops every quote character; a value with one cannot be searched for exactly.
      if (value.includes('"') || value.trim() === '') throw new Error(`cannot search Mailpit for ${key} ${value}`);
      return `${key}:"${value}"`;
    })
    .join(' ');
}

export interface Mailbox {
  /** The domain every recipient of this mailbox has, e.g. `t-mailpit-3f9a1c.test`. */
  readonly domain: string;
  /** `<local>@<domain>`: give the platform these addresses. */
  address(local: string): string;
  readonly api: MailpitClient;
  /** This domain's messages matching `search`, newest first. */
  search(search?: MailSearch): Promise<MailSummary[]>;
  /** Waits until at least `count` (default 1) of this domain's messages match, and returns them all. */
  waitFor(search?: MailSearch, opts?: { count?: number; timeoutMs?: number }): Promise<MailSummary[]>;
  /** This domain's messages whose Message-ID is exactly `messageId`. */
  byMessageId(messageId: string): Promise<MailSummary[]>;
  message(id: string): Promise<MailMessage>;
  /** Every header as sent, e.g. `headers['Message-Id']`. */
  headers(id: string): Promise<Record<string, string[]>>;
  /** The bytes of one attachment (a PartID from `message(id).Attachments`). */
  attachment(id: string, partId: string): Promise<Buffer>;
  /** Removes this domain's messages (all of them, or those matching `search`). */
  clear(search?: MailSearch): Promise<void>;
}

/** Mailpit's search answers at most this many; a test that sends more should narrow its search. */
const SEARCH_LIMIT = 1000;

export function createMailbox(config: Config, domain: string): Mailbox {
  const api = new MailpitClient(mailpitUrl(config));
  // Terms are ANDed, and `to:` matches a substring of the recipients: `@<domain>` is this domain's mail only.
  const scoped = (search: MailSearch = {}) =>
    [mailSearchQuery(search), mailSearchQuery({ to: `@${domain}` })].filter(Boolean).join(' ');
  const mailbox: Mailbox = {
    domain,
    address: (local) => `${local}@${domain}`,
    api,
    async search(search) {
      return (await api.searchMessages({ query: scoped(search), limit: SEARCH_LIMIT })).messages;
    },
    async waitFor(search, opts = {}) {
      const count = opts.count ?? 1;
      return eventually(
        async () => {
          const found = await mailbox.search(search);
          if (found.length < count) throw new Error(`${found.length} of ${count} message(s)`);
          return found;
        },
        { timeoutMs: opts.timeoutMs ?? 60_000, intervalMs: 250, message: `mail ${scoped(search)}` },
      );
    },
    async byMessageId(messageId) {
      const id = stripBrackets(messageId);
      return (await mailbox.search({ messageId: id })).filter((m) => m.MessageID === id);
    },
    message: (id) => api.getMessageSummary(id),
    headers: (id) => api.getMessageHeaders(id),
    async attachment(id, partId) {
      return Buffer.from(await (await api.getMessageAttachment(id, partId)).arrayBuffer());
    },
    async clear(search) {
      await api.deleteMessagesBySearch({ query: scoped(search) });
    },
  };
  return mailbox;
}
