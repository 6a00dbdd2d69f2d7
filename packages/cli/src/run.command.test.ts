import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseServiceList } from './run.command.ts';

describe('streamshop run services --only', () => {
  it('takes a comma-separated subset, in the services’ order', () => {
    expect(parseServiceList('payment, order')).toEqual(['order', 'payment']);
  });

  it('names the unknown service and the valid ones', () => {
    expect(() => parseServiceList('order,shipping')).toThrow(InvalidArgumentError);
    expect(() => parseServiceList('order,shipping')).toThrow(
      'unknown service shipping; choose from catalog, inventory, invoicing, notification, order, payment, user',
    );
    expect(() => parseServiceList(' , ')).toThrow(/no service named/);
  });
});
