/**
 * Invoices and credit notes of an order: which ones exist, and each as a PDF rendered on request from the document
 * the invoicing service recorded (the `invoices` read model) — the PDF is a pure function of that record, so no
 * file is stored anywhere and a download today gives the bytes the confirmation e-mail carried.
 *
 * Who may download: the order's customer or an admin (order-access.ts); anyone else gets the same 404 as for an
 * order that does not exist, so order ids cannot be probed. The order's own 404 comes first, so "not issued yet"
 * tells nothing to someone who may not see the order.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { invoicePdfFileName, renderInvoicePdf } from '@streamshop/invoice-pdf';
import type { InvoiceDocument } from '@streamshop/schemas/types';
import type { FastifyReply } from 'fastify';
import type { GatewayContext } from '../app.ts';
import { bearerAuth, principalOf } from '../plugins/auth.ts';
import { HttpProblem } from '../plugins/problem-json.ts';
import { describedProblem, IdParams, problems } from '../schemas/common.ts';
import { CreditNoteParams, OrderDocuments, PdfFile } from '../schemas/invoices.ts';
import { requireVisibleOrder } from './order-access.ts';

const summary = (doc: InvoiceDocument) => ({
  number: doc.number,
  issuedAt: new Date(doc.issuedAt).toISOString(),
  gross: doc.gross,
});

export const invoicesRoutes: FastifyPluginAsyncTypebox<GatewayContext> = async (app, ctx) => {
  const { queries, config } = ctx;
  const pdfOptions = { shopName: config.shop.name, locale: config.shop.locale };

  async function documentsOf(orderId: string, request: Parameters<typeof principalOf>[0]) {
    await requireVisibleOrder(queries, orderId, principalOf(request));
    return (await queries.invoices.byOrder(orderId)) ?? { orderId, invoice: null, creditNotes: [] };
  }

  async function sendPdf(reply: FastifyReply, doc: InvoiceDocument) {
    const pdf = await renderInvoicePdf(doc, pdfOptions);
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="${invoicePdfFileName(doc)}"`)
      .header('cache-control', 'private, no-store')
      .send(pdf);
  }

  app.get(
    '/api/orders/:id/documents',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['orders'],
        summary: "The order's invoice and credit notes (numbers and amounts), each downloadable as a PDF",
        security: bearerAuth,
        params: IdParams,
        response: {
          200: OrderDocuments,
          ...problems(400, 401),
          404: describedProblem('No such order (`order_not_found`).'),
        },
      },
    },
    async (request) => {
      const docs = await documentsOf(request.params.id, request);
      return { invoice: docs.invoice ? summary(docs.invoice) : null, creditNotes: docs.creditNotes.map(summary) };
    },
  );

  app.get(
    '/api/orders/:id/invoice',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['orders'],
        summary: "The order's invoice as a PDF (its customer or an admin)",
        security: bearerAuth,
        params: IdParams,
        response: {
          200: PdfFile('The invoice (Content-Disposition: attachment; filename="INV-<year>-<n>.pdf").'),
          ...problems(400, 401),
          404: describedProblem('No such order (`order_not_found`), or not invoiced yet (`invoice_not_issued`).'),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { invoice } = await documentsOf(id, request);
      if (!invoice) throw new HttpProblem(404, 'invoice_not_issued', `order ${id} has no invoice yet`);
      return sendPdf(reply, invoice);
    },
  );

  app.get(
    '/api/orders/:id/credit-notes/:number',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['orders'],
        summary: 'A credit note of the order as a PDF (its customer or an admin)',
        security: bearerAuth,
        params: CreditNoteParams,
        response: {
          200: PdfFile('The credit note (Content-Disposition: attachment; filename="CN-<year>-<n>.pdf").'),
          ...problems(400, 401),
          404: describedProblem('No such order (`order_not_found`), or no such credit note (`credit_note_not_found`).'),
        },
      },
    },
    async (request, reply) => {
      const { id, number } = request.params;
      const { creditNotes } = await documentsOf(id, request);
      const note = creditNotes.find((n) => n.number === number);
      if (!note) throw new HttpProblem(404, 'credit_note_not_found', `order ${id} has no credit note ${number}`);
      return sendPdf(reply, note);
    },
  );
};
