import { describe, expect, it } from 'vitest';
import { productIdFor } from './product.ids.ts';
import {
  formatPrice,
  type ParsedProductCsv,
  parsePrice,
  parseProductCsv,
  productImportCommands,
  toProductCsv,
} from './product-csv.ts';

const HEADER = 'sku,name,description,category,price,currency,imageUrl';

function parsed(text: string): Extract<ParsedProductCsv, { ok: true }> {
  const result = parseProductCsv(text);
  if (!result.ok) throw new Error(`expected a parsed file, got ${result.detail}`);
  return result;
}

/** The reasons row `row` failed (joined), or '' when it did not fail. */
const reasons = (text: string, row: number) =>
  parsed(text)
    .failed.filter((f) => f.row === row)
    .flatMap((f) => f.errors)
    .join(' | ');

const one = (fields: string) => `${HEADER}\n${fields}\n`;

describe('parseProductCsv: a valid file', () => {
  it('reads every column, prices in minor units, an empty imageUrl as null', () => {
    const result = parsed(one('COF-1,Yirgacheffe,Floral,coffee,12.50,EUR,/products/COF-1.svg'));
    expect(result).toEqual({
      ok: true,
      rows: 1,
      failed: [],
      products: [
        {
          row: 2,
          sku: 'COF-1',
          name: 'Yirgacheffe',
          description: 'Floral',
          category: 'coffee',
          price: { amount: 1250, currency: 'EUR' },
          imageUrl: '/products/COF-1.svg',
        },
      ],
    });
    expect(parsed(one('COF-1,Y,,coffee,12,EUR,')).products[0]).toMatchObject({ description: '', imageUrl: null });
  });

  it('takes columns in any order and case, and without the optional ones', () => {
    const result = parsed('Price,CURRENCY,category,Name,SKU\n3.5,EUR,tea,Sencha,TEA-1\n');
    expect(result.products[0]).toMatchObject({ sku: 'TEA-1', name: 'Sencha', price: { amount: 350 } });
  });

  it('honours RFC 4180 quoting: commas, doubled quotes and line breaks inside a field', () => {
    const text = `${HEADER}\nK-1,"Teapot, cast iron","He said ""steep""\nthen pour",kitchen,30,EUR,\n`;
    expect(parsed(text).products[0]).toMatchObject({
      name: 'Teapot, cast iron',
      description: 'He said "steep"\nthen pour',
    });
  });

  it('ignores a byte order mark and reads CRLF line ends', () => {
    const text = `\ufeff${HEADER}\r\nK-1,Pot,,kitchen,30,EUR,\r\nK-2,Pan,,kitchen,40,EUR,\r\n`;
    const result = parsed(text);
    expect(result.failed).toEqual([]);
    expect(result.products.map((p) => [p.row, p.sku, p.imageUrl])).toEqual([
      [2, 'K-1', null],
      [3, 'K-2', null],
    ]);
  });

  it('numbers rows as a spreadsheet does: a multi-line record is one row, a blank line counts but is skipped', () => {
    const text = `${HEADER}\nA-1,"two\nlines",,books,1,EUR,\n\nA-2,x,,books,1,EUR,\nbad,x,,books,1,EUR,\n`;
    const result = parsed(text);
    expect(result.rows).toBe(3);
    expect(result.products.map((p) => [p.row, p.sku])).toEqual([
      [2, 'A-1'],
      [4, 'A-2'],
    ]);
    expect(result.failed.map((f) => f.row)).toEqual([5]);
  });
});

describe('parseProductCsv: row errors carry the row and every reason', () => {
  it('sku: empty, lower case or with other characters', () => {
    expect(reasons(one(',x,,books,1,EUR,'), 2)).toBe('sku is empty');
    expect(reasons(one('abc,x,,books,1,EUR,'), 2)).toMatch(/sku "abc" must be 1-64 capital letters/);
    expect(reasons(one('A B,x,,books,1,EUR,'), 2)).toMatch(/capital letters, digits and hyphens/);
    expect(reasons(one(`${'A'.repeat(65)},x,,books,1,EUR,`), 2)).toMatch(/1-64/);
  });

  it('name: empty or too long; description too long', () => {
    expect(reasons(one('A-1,  ,,books,1,EUR,'), 2)).toBe('name is empty');
    expect(reasons(one(`A-1,${'n'.repeat(201)},,books,1,EUR,`), 2)).toBe('name is 201 characters; at most 200');
    expect(reasons(one(`A-1,x,${'d'.repeat(5001)},books,1,EUR,`), 2)).toBe(
      'description is 5001 characters; at most 5000',
    );
  });

  it('category: empty or not a slug', () => {
    expect(reasons(one('A-1,x,,,1,EUR,'), 2)).toBe('category is empty');
    expect(reasons(one('A-1,x,,Big Books,1,EUR,'), 2)).toMatch(/category "Big Books" must be lower-case/);
  });

  it('price: empty, not a dot decimal, too many decimals for the currency, zero, too large', () => {
    expect(reasons(one('A-1,x,,books,,EUR,'), 2)).toBe('price is empty');
    expect(reasons(one('A-1,x,,books,"12,50",EUR,'), 2)).toMatch(/price "12,50" is not a decimal number with a dot/);
    expect(reasons(one('A-1,x,,books,1e3,EUR,'), 2)).toMatch(/not a decimal number/);
    expect(reasons(one('A-1,x,,books,-5,EUR,'), 2)).toMatch(/not a decimal number/);
    expect(reasons(one('A-1,x,,books,1.005,EUR,'), 2)).toBe('price 1.005 has 3 decimals; EUR has 2');
    expect(reasons(one('A-1,x,,books,0.00,EUR,'), 2)).toBe('price must be more than 0');
    expect(reasons(one('A-1,x,,books,99999999999999999,EUR,'), 2)).toBe('price 99999999999999999 is too large');
  });

  it('currency: empty or not ISO 4217', () => {
    expect(reasons(one('A-1,x,,books,1,,'), 2)).toBe('currency is empty, e.g. EUR');
    expect(reasons(one('A-1,x,,books,1,euro,'), 2)).toMatch(/currency "euro" is not an ISO 4217 code/);
    expect(reasons(one('A-1,x,,books,1,XYZ,'), 2)).toMatch(/currency "XYZ" is not an ISO 4217 code/);
  });

  it('imageUrl: an http(s) URL or a root path, nothing else', () => {
    expect(reasons(one('A-1,x,,books,1,EUR,https://cdn.example.com/a.png'), 2)).toBe('');
    expect(reasons(one('A-1,x,,books,1,EUR,javascript:alert(1)'), 2)).toMatch(/not an http\(s\) URL/);
    expect(reasons(one('A-1,x,,books,1,EUR,//evil.example/a.png'), 2)).toMatch(/not an http\(s\) URL/);
    expect(reasons(one('A-1,x,,books,1,EUR,images/a.png'), 2)).toMatch(/not an http\(s\) URL/);
  });

  it('a SKU twice: the later row fails, naming the first', () => {
    const text = `${HEADER}\nA-1,x,,books,1,EUR,\nA-2,y,,books,1,EUR,\nA-1,z,,books,2,EUR,\n`;
    const result = parsed(text);
    expect(result.products.map((p) => p.row)).toEqual([2, 3]);
    expect(result.failed).toEqual([
      { row: 4, sku: 'A-1', errors: ['sku A-1 is also on row 2: a file lists each SKU once'] },
    ]);
  });

  it('the wrong number of fields', () => {
    expect(parsed(one('A-1,x,y,z,books,1,EUR,')).failed).toEqual([
      { row: 2, sku: 'A-1', errors: ['has 8 fields, the header has 7: quote fields that contain a comma'] },
    ]);
  });

  it('a stray quote fails its row and the rows after it still import', () => {
    const text = `${HEADER}\nA-1,12" ruler,,books,1,EUR,\nA-3,ok,,books,1,EUR,\n`;
    const result = parsed(text);
    expect(result.failed).toEqual([{ row: 2, errors: [expect.stringMatching(/quote the whole field/)] }]);
    expect(result.products.map((p) => [p.row, p.sku])).toEqual([[3, 'A-3']]);
    expect(reasons(`${HEADER}\nA-2,"x"y,,books,1,EUR,\n`, 2)).toMatch(/goes on after its closing/);
  });

  it('a quote never closed fails its row (the rest of the file is inside it)', () => {
    const result = parsed(`${HEADER}\nA-1,ok,,books,1,EUR,\nA-2,"never closed,,books,1,EUR,\nA-3,x,,books,1,EUR,\n`);
    expect(result.products.map((p) => p.sku)).toEqual(['A-1']);
    expect(result.failed).toEqual([{ row: 3, errors: [expect.stringMatching(/never closed/)] }]);
  });
});

describe('parseProductCsv: an unusable file', () => {
  it.each([
    ['empty', '', /the file is empty/],
    ['unknown column', 'sku,name,category,prce,currency\n', /unknown column\(s\) "prce"/],
    ['missing column', 'sku,name,category,price\n', /missing column\(s\) currency/],
    ['column twice', 'sku,name,name,category,price,currency\n', /name appear more than once/],
  ])('%s → invalid_csv naming the header it expects', (_, text, detail) => {
    const result = parseProductCsv(text);
    expect(result).toEqual({ ok: false, code: 'invalid_csv', detail: expect.stringMatching(detail) });
    if (!result.ok) expect(result.detail).toContain('sku,name,description,category,price,currency,imageUrl');
  });
});

describe('prices', () => {
  it('use the currency minor units, by string arithmetic', () => {
    expect(parsePrice('0.29', 'EUR')).toEqual({ amount: 29 });
    expect(parsePrice('1.1', 'EUR')).toEqual({ amount: 110 });
    expect(parsePrice('1200', 'JPY')).toEqual({ amount: 1200 });
    expect(parsePrice('1.5', 'JPY')).toEqual({ error: 'price 1.5 has 1 decimals; JPY has 0' });
    expect(parsePrice('1.234', 'KWD')).toEqual({ amount: 1234 });
    // 4.35 * 100 is 434.99999999999994 in floating point.
    expect(parsePrice('4.35', 'EUR')).toEqual({ amount: 435 });
  });

  it('format back to the decimal a CSV carries', () => {
    expect(formatPrice({ amount: 5, currency: 'EUR' })).toBe('0.05');
    expect(formatPrice({ amount: 1250, currency: 'EUR' })).toBe('12.50');
    expect(formatPrice({ amount: 1200, currency: 'JPY' })).toBe('1200');
  });
});

describe('toProductCsv', () => {
  it('round-trips through parseProductCsv, quoting what needs it', () => {
    const rows = [
      {
        sku: 'A-1',
        name: 'Pen, "blue"',
        description: 'two\nlines',
        category: 'stationery',
        price: { amount: 199, currency: 'EUR' },
        imageUrl: null,
      },
      {
        sku: 'A-2',
        name: 'Pad',
        description: '',
        category: 'stationery',
        price: { amount: 5, currency: 'EUR' },
        imageUrl: '/p.svg',
      },
    ];
    const result = parsed(toProductCsv(rows));
    expect(result.failed).toEqual([]);
    expect(result.products.map(({ row: _, ...p }) => p)).toEqual(rows);
  });
});

describe('productImportCommands', () => {
  const row = {
    row: 2,
    sku: 'A-1',
    name: 'Pen',
    description: '',
    category: 'stationery',
    price: { amount: 199, currency: 'EUR' },
    imageUrl: null,
  };

  it('creates the product, else updates its details and price', () => {
    expect(productImportCommands(row, 'key-1')).toEqual({
      create: {
        type: 'streamshop.catalog.CreateProduct',
        commandId: expect.any(String),
        aggregateId: productIdFor('A-1'),
        payload: { sku: 'A-1', name: 'Pen', description: '', category: 'stationery', price: row.price, imageUrl: null },
      },
      update: [
        {
          type: 'streamshop.catalog.UpdateProductDetails',
          commandId: expect.any(String),
          aggregateId: productIdFor('A-1'),
          payload: { name: 'Pen', description: '', category: 'stationery', imageUrl: null },
        },
        {
          type: 'streamshop.catalog.ChangeProductPrice',
          commandId: expect.any(String),
          aggregateId: productIdFor('A-1'),
          payload: { price: row.price },
        },
      ],
    });
  });

  it('derives command ids from the key, the SKU and the content, never from the row number', () => {
    const ids = (r: typeof row, key = 'key-1') => {
      const { create, update } = productImportCommands(r, key);
      return [create, ...update].map((c) => c.commandId);
    };
    expect(ids(row)).toEqual(ids({ ...row, row: 40 }));
    expect(ids(row)).not.toEqual(ids(row, 'key-2'));
    expect(ids(row)).not.toEqual(ids({ ...row, name: 'Pen 2' }));
    expect(ids(row)).not.toEqual(ids({ ...row, sku: 'A-2' }));
    expect(new Set(ids(row)).size).toBe(3);
  });
});
