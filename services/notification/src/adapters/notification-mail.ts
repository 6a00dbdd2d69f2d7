/**
 * A requested notification as the e-mail the sender hands to SMTP: the template's subject, HTML and text, the
 * invoice or credit note as a PDF when the request carries one, and the request's stable Message-ID, so every
 * copy of one message (a retry, a re-send after a crash) carries the same id and a receiver can drop the copy.
 * Rendering is a pure function of the recorded request, so a re-send is the same message.
 */
import type { Config } from '@streamshop/config';
import { invoicePdfFileName, renderInvoicePdf } from '@streamshop/invoice-pdf';
import type { NotificationRequested } from '@streamshop/schemas/types';
import type Mail from 'nodemailer/lib/mailer';

export type Shop = Config['shop'];

/** The templates' entry point (services/notification/src/templates): one source for subject, HTML and text. */
export type RenderNotification = (
  requested: NotificationRequested,
  shop: Shop,
) => Promise<{ subject: string; html: string; text: string }>;

export type ComposeMail = (requested: NotificationRequested) => Promise<Mail.Options>;

/** `<id@host>`: the header's syntax; the recorded messageId may come without the angle brackets. */
export function messageIdHeader(messageId: string): string {
  return messageId.startsWith('<') ? messageId : `<${messageId}>`;
}

export function notificationMail(deps: { render: RenderNotification; shop: Shop; from: string }): ComposeMail {
  return async (requested) => {
    const { subject, html, text } = await deps.render(requested, deps.shop);
    const document = requested.document;
    const attachments: Mail.Attachment[] = document
      ? [
          {
            filename: invoicePdfFileName(document),
            contentType: 'application/pdf',
            content: await renderInvoicePdf(document, {
              shopName: deps.shop.name,
              locale: requested.locale ?? deps.shop.locale,
            }),
          },
        ]
      : [];
    return {
      from: deps.from,
      to: requested.to,
      subject,
      html,
      text,
      messageId: messageIdHeader(requested.messageId),
      attachments,
    };
  };
}
