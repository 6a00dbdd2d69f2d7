/**
 * `npm run schemas:check`: fails (exit 1) when the schemas cannot be released as they are.
 *  1. the `.avsc` files follow the rules (docs, envelopes, Money), see `src/schema-set.ts`;
 *  2. generated types and `asyncapi.yaml` are up to date;
 *  3. every changed record is compatible with the last commit (`git show <ref>:schemas/avro/…`, default HEAD),
 *     see `src/compatibility.ts`;
 *  4. the registry would accept every record as the next version of its subject (skipped, and said so, when
 *     the registry is not reachable).
 * Options: `--against <git ref>`, `--prefix <topic prefix>` (registry subjects of a test namespace).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '@streamshop/config';
import { renderAsyncApi } from '../src/asyncapi.ts';
import { renderTypes } from '../src/codegen.ts';
import { checkEvolution, formatIncompatibility } from '../src/compatibility.ts';
import { withTopicTable } from '../src/events-doc.ts';
import { RegistryAdmin } from '../src/registry-admin.ts';
import { loadSchemaSet, SchemaRuleError, type SchemaSet } from '../src/schema-set.ts';
import { subjectName } from '../src/serde.ts';
import { TOPICS } from '../src/topics.ts';

const { values } = parseArgs({ options: { against: { type: 'string', default: 'HEAD' }, prefix: { type: 'string' } } });
const failures: string[] = [];
const say = (line: string) => console.log(line);

let current: SchemaSet;
try {
  current = loadSchemaSet();
  say(`✓ ${current.records.size} records follow the schema rules`);
} catch (err) {
  console.error(err instanceof SchemaRuleError ? err.message : err);
  process.exit(1);
}

const stale = (file: string, expected: string, command: string) => {
  const path = fileURLToPath(new URL(file, import.meta.url));
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {}
  const label = file.startsWith('../../') ? file.slice('../../'.length) : file.replace('../', 'schemas/');
  if (text === expected) say(`✓ ${label} is up to date`);
  else failures.push(`${label} is stale: run \`${command}\` and commit it`);
};
stale('../src/generated/types.ts', renderTypes(current), 'npm run schemas:generate');
stale('../asyncapi.yaml', renderAsyncApi(current), 'npm run asyncapi:generate');
const eventsDoc = fileURLToPath(new URL('../../docs/events.md', import.meta.url));
stale('../../docs/events.md', withTopicTable(readFileSync(eventsDoc, 'utf8'), current), 'npm run schemas:generate');

// Against the last commit: read the .avsc files as they were, through git.
const repo = fileURLToPath(new URL('../..', import.meta.url));
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', maxBuffer: 64 << 20 });
let previousFiles: Map<string, string> | undefined;
try {
  const listed = git('ls-tree', '-r', '--name-only', values.against!, '--', 'schemas/avro')
    .split('\n')
    .filter((p) => p.endsWith('.avsc'));
  previousFiles = new Map(listed.map((p) => [p.slice('schemas/avro/'.length), git('show', `${values.against}:${p}`)]));
} catch (err) {
  say(`- skipped the git comparison: cannot read ${values.against} (${(err as Error).message.split('\n')[0]})`);
}
if (previousFiles && previousFiles.size === 0) say(`- skipped the git comparison: no schemas in ${values.against} yet`);
else if (previousFiles) {
  const found = checkEvolution(loadSchemaSet(previousFiles, { released: true }), current);
  if (found.length === 0) say(`✓ compatible with ${values.against}`);
  for (const i of found) failures.push(`not compatible with ${values.against}: ${formatIncompatibility(i)}`);
}

// Against the registry: would each subject accept today's schema as its next version?
const registry = new RegistryAdmin(loadConfig().registry.url);
if (!(await registry.reachable())) {
  say(
    `- skipped the registry comparison: ${loadConfig().registry.url} is not reachable (start it: npx streamshop stack up)`,
  );
} else {
  let checked = 0;
  let fresh = 0;
  for (const topic of TOPICS) {
    for (const name of topic.records) {
      const subject = subjectName(topic.name, name, values.prefix);
      const record = current.records.get(name)!;
      const ok = await registry.isCompatibleWithLatest(subject, record.schema);
      if (ok === undefined) fresh++;
      else if (ok) checked++;
      else failures.push(`the registry refuses ${record.file} as the next version of subject ${subject} (BACKWARD)`);
    }
  }
  say(`✓ registry: ${checked} subject(s) accept today's schemas, ${fresh} not registered yet`);
}

if (failures.length > 0) {
  console.error(`\n✗ schemas:check failed:\n  - ${failures.join('\n  - ')}`);
  process.exit(1);
}
say('schemas:check passed');
