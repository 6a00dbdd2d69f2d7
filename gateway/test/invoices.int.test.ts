/**
 * Invoice and credit-note downloads through the gateway, from records on the test's invoicing.events folded by the
 * real invoices projection worker: the order's customer and an admin get the PDF rendered from the recorded document
 * (pdftotext finds its number and total), another shopper gets the same 404 as for an order that does not exist,
 * and a document not issued yet is a 404 with its own code.
 */
import { randomUUID } from 'node:crypto';
import type { Runnable } from '@streamshop/eventsourcing-kafka';
import { sampleCreditNote, sampleInvoice } from '@streamshop/invoice-pdf/testing';
import { startProjections } from '@streamshop/projections/main';
import { AvroSerde } from '@streamshop/schemas';
import { topicName } from '@streamshop/schemas/topics';
import type { InvoiceDocument } from '@streamshop/schemas/types';
import { createNamespace, eventually, pdfText } from '@streamshop/testkit';
import { Partitioners, type Producer } from 'kafkajs';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayRunnable } from '../src/main.ts';
import {
  activateGeneration1,
  clerkInstance,
  fastConsumer,
  logger,
  orderDoc,
  startTestGateway,
  withConfig,
} from './gateway.fixture.ts';

const ns = createNamespace(import.meta.url);
let gateway: GatewayRunnable;
let projections: Runnable;
let producer: Producer;
let serde: AvroSerde;
let db: Db;
let sam: string;
let bo: string;
let ada: string;

const ORDER = 'order-invoiced';
const UNBILLED = 'order-unbilled';
const invoice = sampleInvoice({ orderId: ORDER, number: 'INV-2026-000123', sequence: 123 });
const creditNote = sampleCreditNote({
  orderId: ORDER,
  number: 'CN-2026-000004',
  sequence: 4,
  refersTo: invoice.number,
});
let seriesVersion = 0;

/** Records the document as the invoicing service would: an event of the year's series aggregate. */
async function issue(document: InvoiceDocument) {
  const aggregateId = `invoices-${document.year}`;
  const type = document.kind === 'invoice' ? 'InvoiceIssued' : 'CreditNoteIssued';
  seriesVersion += 1;
  const value = {
    eventId: randomUUID(),
    aggregateId,
    aggregateVersion: seriesVersion,
    occurredAt: document.issuedAt,
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actorId: null,
    document,
  };
  await producer.send({
    topic: topicName('invoicing.events', ns.topicPrefix),
    messages: [
      { key: aggregateId, value: await serde.encode('invoicing.events', `streamshop.invoicing.${type}`, value) },
    ],
  });
}

beforeAll(async () => {
  const clerk = await clerkInstance();
  const config = withConfig(ns.config, { clerk: { jwtKey: clerk.jwtKey }, shop: { locale: 'en-GB' } });
  gateway = await startTestGateway(ns, config);
  ({ db } = await ns.mongo());
  await activateGeneration1(db, ns, ['orders']); // the invoices worker creates its own generation
  await db
    .collection('orders__g1')
    .insertMany([orderDoc(ORDER, 'user_sam'), orderDoc(UNBILLED, 'user_sam')] as never[]);
  projections = startProjections(config, {
    prefix: ns.topicPrefix,
    logger,
    consumer: fastConsumer,
    database: ns.database,
    redisPrefix: ns.redisPrefix,
    only: ['invoices'],
  });
  await projections.start();
  serde = new AvroSerde({ registryUrl: ns.config.registry.url, prefix: ns.topicPrefix });
  producer = ns.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  [sam, bo, ada] = await Promise.all([
    clerk.token('user_sam'),
    clerk.token('user_bo'),
    clerk.token('user_ada', { role: 'admin' }),
  ]);
});

afterAll(async () => {
  await Promise.allSettled([gateway?.stop(), projections?.stop(), producer?.disconnect()]);
  await ns.cleanup();
});

const get = (path: string, token: string) =>
  fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
const words = (text: string) => text.replace(/\s+/g, ' ');
const euros = (minor: number) =>
  words(new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }).format(minor / 100));

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(((await res.json()) as { code: string }).code).toBe(code);
}

describe('invoice downloads', () => {
  it('answers 404 invoice_not_issued to the owner before the invoice is issued, and lists no documents', async () => {
    await expectProblem(await get(`/api/orders/${UNBILLED}/invoice`, sam), 404, 'invoice_not_issued');
    const res = await get(`/api/orders/${UNBILLED}/documents`, sam);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ invoice: null, creditNotes: [] });
  });

  it('gives the owner the PDF of the recorded invoice once the projection has it', async () => {
    await issue(invoice);
    const documents = await eventually(async () => {
      const res = await get(`/api/orders/${ORDER}/documents`, sam);
      const body = (await res.json()) as { invoice: { number: string } | null };
      if (!body.invoice) throw new Error('not projected yet');
      return body;
    });
    expect(documents).toEqual({
      invoice: { number: 'INV-2026-000123', issuedAt: new Date(invoice.issuedAt).toISOString(), gross: invoice.gross },
      creditNotes: [],
    });

    const res = await get(`/api/orders/${ORDER}/invoice`, sam);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="INV-2026-000123.pdf"');
    const text = words(await pdfText(Buffer.from(await res.arrayBuffer())));
    expect(text).toContain('Invoice INV-2026-000123');
    expect(text).toContain('Event-sourced mug');
    expect(text).toContain(`Total gross ${euros(invoice.gross.amount)}`);
  });

  it('gives the same PDF to an admin, and tells another shopper the order does not exist', async () => {
    await eventually(async () => expect((await get(`/api/orders/${ORDER}/invoice`, sam)).status).toBe(200));
    const owners = Buffer.from(await (await get(`/api/orders/${ORDER}/invoice`, sam)).arrayBuffer());
    const admins = await get(`/api/orders/${ORDER}/invoice`, ada);
    expect(admins.status).toBe(200);
    expect(Buffer.from(await admins.arrayBuffer()).equals(owners)).toBe(true);
    await expectProblem(await get(`/api/orders/${ORDER}/invoice`, bo), 404, 'order_not_found');
    await expectProblem(await get(`/api/orders/${ORDER}/documents`, bo), 404, 'order_not_found');
    await expectProblem(await get('/api/orders/order-nobody/invoice', ada), 404, 'order_not_found');
  });

  it('serves each credit note by its number, 404 credit_note_not_found for any other', async () => {
    await issue(creditNote);
    await eventually(async () => {
      const body = (await (await get(`/api/orders/${ORDER}/documents`, sam)).json()) as { creditNotes: unknown[] };
      expect(body.creditNotes).toEqual([
        { number: 'CN-2026-000004', issuedAt: new Date(creditNote.issuedAt).toISOString(), gross: creditNote.gross },
      ]);
    });
    const res = await get(`/api/orders/${ORDER}/credit-notes/CN-2026-000004`, sam);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="CN-2026-000004.pdf"');
    const text = words(await pdfText(Buffer.from(await res.arrayBuffer())));
    expect(text).toContain('Credit note CN-2026-000004');
    expect(text).toContain('Credits invoice INV-2026-000123');
    expect(text).toContain(`Total credited ${euros(creditNote.gross.amount)}`);
    await expectProblem(
      await get(`/api/orders/${ORDER}/credit-notes/CN-2026-000005`, sam),
      404,
      'credit_note_not_found',
    );
    await expectProblem(await get(`/api/orders/${ORDER}/credit-notes/CN-2026-000004`, bo), 404, 'order_not_found');
    expect((await get(`/api/orders/${ORDER}/credit-notes/CN-2026-000004`, ada)).status).toBe(200);
  });
});
