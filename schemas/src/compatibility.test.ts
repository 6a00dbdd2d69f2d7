import { describe, expect, it } from 'vitest';
import { checkEvolution, formatIncompatibility } from './compatibility.ts';
import { loadSchemaSet, type RawField, type RawNamed, readAvroDir } from './schema-set.ts';

const FILE = 'orders/OrderPlaced.avsc';

/** The committed schema set with OrderPlaced changed by `edit`. */
function withOrderPlaced(edit: (schema: RawNamed) => void) {
  const files = readAvroDir();
  const schema = JSON.parse(files.get(FILE)!) as RawNamed;
  edit(schema);
  files.set(FILE, JSON.stringify(schema));
  return loadSchemaSet(files);
}

/** The committed schema set with `common/<name>.avsc` changed by `edit`. */
function withCommon(name: string, edit: (schema: RawNamed) => void) {
  const files = readAvroDir();
  const schema = JSON.parse(files.get(`common/${name}.avsc`)!) as RawNamed;
  edit(schema);
  files.set(`common/${name}.avsc`, JSON.stringify(schema));
  return loadSchemaSet(files);
}

const field = (schema: RawNamed, name: string) => schema.fields!.find((f) => f.name === name)!;
const previous = loadSchemaSet();

describe('schema evolution check', () => {
  it('passes an unchanged set', () => {
    expect(checkEvolution(previous, loadSchemaSet())).toEqual([]);
  });

  it('passes adding an optional field with a default', () => {
    const next = withOrderPlaced((s) => {
      s.fields!.push({ name: 'note', type: ['null', 'string'], default: null, doc: 'Gift note.' });
    });
    expect(checkEvolution(previous, next)).toEqual([]);
  });

  it('passes widening int to long in a shared type (Avro promotes it)', () => {
    const next = withCommon('StockLevels', (s) => {
      field(s, 'onHand').type = 'long';
    });
    expect(checkEvolution(previous, next)).toEqual([]);
  });

  it('fails removing a required field, naming it', () => {
    const next = withOrderPlaced((s) => {
      s.fields = s.fields!.filter((f) => f.name !== 'customerId');
    });
    const found = checkEvolution(previous, next);
    expect(found).toHaveLength(1);
    expect(formatIncompatibility(found[0]!)).toBe(
      'orders/OrderPlaced.avsc: streamshop.orders.OrderPlaced.customerId: required field removed: consumers on the previous schema cannot read new records',
    );
  });

  it('fails adding a field without a default, naming it', () => {
    const next = withOrderPlaced((s) => {
      s.fields!.push({ name: 'giftWrap', type: 'boolean', doc: 'Wrap it.' } satisfies RawField);
    });
    expect(checkEvolution(previous, next).map((i) => [i.path, i.reason])).toEqual([
      ['streamshop.orders.OrderPlaced.giftWrap', 'added without a default: old records have no value for it'],
    ]);
  });

  it('fails a change to a shared type in every record using it, at the innermost field', () => {
    const next = withCommon('Money', (s) => {
      field(s, 'amount').type = 'string';
    });
    const found = checkEvolution(previous, next);
    expect(found.map((i) => i.path)).toContain('streamshop.orders.OrderPlaced.lines[].unitPrice.amount');
    expect(found.find((i) => i.path === 'streamshop.catalog.ProductCreated.price.amount')?.reason).toBe(
      'type changed from long to string, which Avro cannot resolve',
    );
  });

  it('fails removing a record type or an enum symbol', () => {
    const files = readAvroDir();
    files.delete('orders/OrderShipped.avsc');
    const provider = JSON.parse(files.get('common/PaymentProvider.avsc')!) as RawNamed;
    provider.symbols = ['stripe'];
    files.set('common/PaymentProvider.avsc', JSON.stringify(provider));
    const found = checkEvolution(previous, loadSchemaSet(files)).map(formatIncompatibility);
    expect(found).toContain(
      'orders/OrderShipped.avsc: streamshop.orders.OrderShipped: record removed: its old records could no longer be read',
    );
    expect(found).toContain(
      'orders/OrderPlaced.avsc: streamshop.orders.OrderPlaced.paymentProvider: enum symbols removed without a default: paypal',
    );
  });
});
