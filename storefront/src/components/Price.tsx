import type { Money } from '../api/types.ts';
import { formatMoney } from '../money/money.ts';

export function Price({ money, className }: { money: Money; className?: string }) {
  return (
    <span className={className} data-amount={money.amount} data-currency={money.currency}>
      {formatMoney(money)}
    </span>
  );
}
