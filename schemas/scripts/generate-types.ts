/**
 * `npm run schemas:generate` writes `src/generated/types.ts` from the `.avsc` files;
 * `--check` only compares and exits 1 when the committed file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderTypes } from '../src/codegen.ts';
import { loadSchemaSet } from '../src/schema-set.ts';

const target = fileURLToPath(new URL('../src/generated/types.ts', import.meta.url));
const text = renderTypes(loadSchemaSet());
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== text) {
    console.error('schemas/src/generated/types.ts is stale: run `npm run schemas:generate` and commit the result.');
    process.exit(1);
  }
  console.log('generated types are up to date');
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
