/** @jsxRuntime automatic @jsxImportSource react */
/**
 * The messages to a shopper about their order, one component per kind. Each says what happened, with what the
 * event recorded (amounts, carrier and tracking number, the attached document's number), in the shopper's locale.
 */
import { Column, Row, Section, Text } from '@react-email/components';
import type { InvoiceDocument } from '@streamshop/schemas/types';
import type { ReactNode } from 'react';
import { EmailLayout } from './email.layout.tsx';
import type { MessageProps } from './message.props.ts';
import { reasonInWords } from './notification.format.ts';

/** ` (out of stock)` for a reason code, nothing without one. */
const because = (reason: string | null) => (reason ? ` (${reasonInWords(reason)})` : '');

const orderAction = (p: MessageProps) => ({ label: 'View your order', href: p.link });
const footer = (p: MessageProps) =>
  `You receive this e-mail because you placed order ${p.notification.orderId} at ${p.shop.name}.`;

function Frame(p: MessageProps & { heading: string; preview: string; children: ReactNode }) {
  return (
    <EmailLayout
      shopName={p.shop.name}
      locale={p.format.locale}
      preview={p.preview}
      heading={p.heading}
      recipientName={p.notification.recipientName}
      action={orderAction(p)}
      footer={footer(p)}
    >
      {p.children}
    </EmailLayout>
  );
}

/** The lines of an invoice or credit note, and its total, as a small table. */
function DocumentLines({ document, format }: { document: InvoiceDocument; format: MessageProps['format'] }) {
  return (
    <Section>
      {document.lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a document's lines never move; two may share a SKU.
        <Row key={i}>
          <Column>{`${line.quantity} × ${line.description}`}</Column>
          <Column align="right">{format.money(line.gross)}</Column>
        </Row>
      ))}
      <Row>
        <Column>
          <strong>Total</strong>
        </Column>
        <Column align="right">
          <strong>{format.money(document.gross)}</strong>
        </Column>
      </Row>
    </Section>
  );
}

export function OrderConfirmedEmail(p: MessageProps) {
  const { document, amount } = p.notification;
  const paid = amount ?? document?.gross;
  return (
    <Frame {...p} heading="Your order is confirmed" preview={`Order ${p.notification.orderId} is confirmed`}>
      <Text>
        {`Thank you for your order ${p.notification.orderId}${paid ? `: we have received your payment of ${p.format.money(paid)}` : ''}. We are preparing it for shipping.`}
      </Text>
      {document && <DocumentLines document={document} format={p.format} />}
      {document && <Text>{`Your invoice ${document.number} of ${p.format.date(document.issuedAt)} is attached.`}</Text>}
    </Frame>
  );
}

export function PaymentFailedEmail(p: MessageProps) {
  const { reason, orderId } = p.notification;
  return (
    <Frame {...p} heading="Your payment did not go through" preview={`We could not take the payment for ${orderId}`}>
      <Text>
        {`We could not take the payment for your order ${orderId}${because(reason)}, so the order has been cancelled and nothing was charged. You are welcome to place it again.`}
      </Text>
    </Frame>
  );
}

export function OrderCancelledEmail(p: MessageProps) {
  const { reason, orderId } = p.notification;
  return (
    <Frame {...p} heading="Your order was cancelled" preview={`Order ${orderId} was cancelled`}>
      <Text>
        {`Your order ${orderId} was cancelled on ${p.format.date(p.notification.occurredAt)}${because(reason)}. If you had paid for it, the payment is refunded.`}
      </Text>
    </Frame>
  );
}

export function OrderShippedEmail(p: MessageProps) {
  const { carrier, trackingNumber, orderId } = p.notification;
  return (
    <Frame {...p} heading="Your order is on its way" preview={`Order ${orderId} has shipped`}>
      <Text>
        {`Your order ${orderId} was shipped on ${p.format.date(p.notification.occurredAt)}${carrier ? ` with ${carrier}` : ''}.`}
      </Text>
      {trackingNumber && <Text>{`Tracking number: ${trackingNumber}`}</Text>}
    </Frame>
  );
}

export function OrderDeliveredEmail(p: MessageProps) {
  const { orderId } = p.notification;
  return (
    <Frame {...p} heading="Your order was delivered" preview={`Order ${orderId} was delivered`}>
      <Text>{`Your order ${orderId} was delivered on ${p.format.date(p.notification.occurredAt)}. We hope you enjoy it.`}</Text>
    </Frame>
  );
}

export function OrderRefundedEmail(p: MessageProps) {
  const { amount, document, reason, orderId } = p.notification;
  const refunded = amount ?? document?.gross;
  return (
    <Frame
      {...p}
      heading="Your refund is on its way"
      preview={refunded ? `A refund of ${p.format.money(refunded)}` : `A refund for ${orderId}`}
    >
      <Text>
        {`We have refunded ${refunded ? p.format.money(refunded) : 'part of your payment'} for your order ${orderId}${because(reason)}. It goes back to the way you paid.`}
      </Text>
      {document && <DocumentLines document={document} format={p.format} />}
      {document && (
        <Text>
          {`Credit note ${document.number} of ${p.format.date(document.issuedAt)} is attached${document.refersTo ? `; it corrects invoice ${document.refersTo}` : ''}.`}
        </Text>
      )}
    </Frame>
  );
}
