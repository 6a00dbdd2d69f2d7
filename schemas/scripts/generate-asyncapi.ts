/**
 * `npm run asyncapi:generate` writes `schemas/asyncapi.yaml` from the `.avsc` files and the topic catalog;
 * `--check` only compares and exits 1 when the committed file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderAsyncApi } from '../src/asyncapi.ts';
import { loadSchemaSet } from '../src/schema-set.ts';

const target = fileURLToPath(new URL('../asyncapi.yaml', import.meta.url));
const text = renderAsyncApi(loadSchemaSet());
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== text) {
    console.error('schemas/asyncapi.yaml is stale: run `npm run asyncapi:generate` and commit the result.');
    process.exit(1);
  }
  console.log('asyncapi.yaml is up to date');
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
