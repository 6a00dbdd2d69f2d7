/**
 * A generated products CSV for the import journey: `count` rows, all valid but for three, each bad in its own way,
 * with the row number a spreadsheet shows (header = 1) and a word the import's reason must contain.
 */
export interface BadRow {
  /** Spreadsheet row number (header = 1). */
  row: number;
  /** A fragment of the reason the import gives for the row. */
  reason: string;
}

export interface GeneratedCsv {
  csv: string;
  /** SKU prefix of every row, for finding the imported products. */
  skuPrefix: string;
  valid: number;
  bad: BadRow[];
}

export function productsCsv(skuPrefix: string, count: number): GeneratedCsv {
  // Positions (0-based data rows) of the three bad rows, spread over the file.
  const badAt = new Map<number, (sku: string) => { cells: string[]; reason: string }>([
    // A decimal comma (quoted, as a spreadsheet writes a field with a comma in it).
    [
      41,
      (sku) => ({ cells: [sku, 'Comma-priced beans', 'bad price', 'coffee', '"12,50"', 'EUR', ''], reason: 'price' }),
    ],
    [507, () => ({ cells: ['not a sku', 'Lower-case SKU', 'bad sku', 'coffee', '9.90', 'EUR', ''], reason: 'sku' })],
    [998, (sku) => ({ cells: [sku, '', 'no name', 'tea', '4.20', 'EUR', ''], reason: 'name is empty' })],
  ]);
  const lines = ['sku,name,description,category,price,currency,imageUrl'];
  const bad: BadRow[] = [];
  for (let i = 0; i < count; i++) {
    const sku = `${skuPrefix}-${String(i).padStart(4, '0')}`;
    const broken = badAt.get(i)?.(sku);
    if (broken) {
      bad.push({ row: i + 2, reason: broken.reason });
      lines.push(broken.cells.join(','));
      continue;
    }
    const cents = 300 + ((i * 37) % 4_000);
    const price = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
    // A quoted field with a comma in it, as spreadsheets write them.
    lines.push(`${sku},"Imported roast ${i}, whole bean",Batch product ${i},coffee,${price},EUR,`);
  }
  return { csv: `${lines.join('\n')}\n`, skuPrefix, valid: count - bad.length, bad };
}
