import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderAsyncApi } from './asyncapi.ts';
import { loadSchemaSet, type RawNamed, readAvroDir, SchemaRuleError } from './schema-set.ts';

const edited = (file: string, edit: (s: RawNamed) => void) => {
  const files = readAvroDir();
  const s = JSON.parse(files.get(file)!) as RawNamed;
  edit(s);
  files.set(file, JSON.stringify(s));
  return () => loadSchemaSet(files);
};

describe('schema loader rules', () => {
  it('loads every command and event with its kind and a self-contained schema', () => {
    const { records } = loadSchemaSet();
    expect(records.get('streamshop.orders.PlaceOrder')?.kind).toBe('command');
    expect(records.get('streamshop.orders.OrderPlaced')?.kind).toBe('event');
    expect(JSON.stringify(records.get('streamshop.orders.OrderPlaced')?.schema)).toContain('"name":"Money"');
  });

  it('refuses a field without a doc', () => {
    const load = edited('orders/OrderShipped.avsc', (s) => {
      delete s.fields!.at(-1)!.doc;
    });
    expect(load).toThrow(SchemaRuleError);
    expect(load).toThrow('orders/OrderShipped.avsc: field OrderShipped.trackingNumber has no doc');
  });

  it('refuses an event whose envelope is out of order', () => {
    const load = edited('orders/OrderShipped.avsc', (s) => {
      s.fields = [s.fields![0]!, s.fields![2]!, s.fields![1]!, ...s.fields!.slice(3)];
    });
    expect(load).toThrow(/envelope field 2 must be aggregateId/);
  });

  it('requires actorId on every record of the working tree, but reads a released version that predates it', () => {
    const files = readAvroDir();
    const s = JSON.parse(files.get('orders/ShipOrder.avsc')!) as RawNamed;
    s.fields = s.fields!.filter((f) => f.name !== 'actorId');
    files.set('orders/ShipOrder.avsc', JSON.stringify(s));
    expect(() => loadSchemaSet(files)).toThrow(/ShipOrder.avsc: envelope field 7 must be actorId/);
    expect(loadSchemaSet(files, { released: true }).records.get('streamshop.orders.ShipOrder')?.kind).toBe('command');
  });

  it('refuses money as a float', () => {
    const load = edited('orders/OrderRefunded.avsc', (s) => {
      s.fields!.find((f) => f.name === 'amount')!.type = 'double';
    });
    expect(load).toThrow(/holds money as a float/);
  });
});

describe('asyncapi.yaml', () => {
  it('matches the schemas and topic catalog (run `npm run asyncapi:generate` when this fails)', () => {
    const committed = readFileSync(new URL('../asyncapi.yaml', import.meta.url), 'utf8');
    expect(committed).toBe(renderAsyncApi(loadSchemaSet()));
  });
});
