/** @jsxRuntime automatic @jsxImportSource react */
/** The alert to the admins when a SKU's available stock falls to its low-stock threshold or below. */
import { Text } from '@react-email/components';
import { EmailLayout } from './email.layout.tsx';
import type { MessageProps } from './message.props.ts';

export function LowStockEmail(p: MessageProps) {
  const { sku, levels, threshold } = p.notification;
  return (
    <EmailLayout
      shopName={p.shop.name}
      locale={p.format.locale}
      preview={`${sku} is low on stock`}
      heading={`Low stock: ${sku}`}
      recipientName={null}
      action={{ label: 'Open the stock item', href: p.link }}
      footer={`You receive this alert because you are an administrator of ${p.shop.name}. One alert is sent per dip below the threshold.`}
    >
      <Text>
        {`${sku} has ${levels?.available ?? 0} units available, at or below its threshold of ${threshold ?? 0} (checked on ${p.format.date(p.notification.occurredAt)}).`}
      </Text>
      {levels && <Text>{`On hand: ${levels.onHand}; reserved for open orders: ${levels.reserved}.`}</Text>}
    </EmailLayout>
  );
}
