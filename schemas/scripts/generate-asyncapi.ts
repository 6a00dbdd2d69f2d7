/**
 * `npm run asyncapi:generate` writes `schemas/asyncapi.yaml` and the topic table of docs/events.md from the `.avsc`
 * files and the topic catalog; `--check` only compares and exits 1 when a committed file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderAsyncApi } from '../src/asyncapi.ts';
import { withTopicTable } from '../src/events-doc.ts';
import { loadSchemaSet } from '../src/schema-set.ts';

const set = loadSchemaSet();
const eventsDoc = fileURLToPath(new URL('../../docs/events.md', import.meta.url));
const outputs = [
  { target: fileURLToPath(new URL('../asyncapi.yaml', import.meta.url)), text: renderAsyncApi(set) },
  { target: eventsDoc, text: withTopicTable(readFileSync(eventsDoc, 'utf8'), set) },
];
for (const { target, text } of outputs) {
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {}
    if (current !== text) {
      console.error(`${target} is stale: run \`npm run asyncapi:generate\` and commit the result.`);
      process.exit(1);
    }
    console.log(`${target} is up to date`);
  } else {
    writeFileSync(target, text);
    console.log(`wrote ${target}`);
  }
}
