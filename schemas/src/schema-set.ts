/**
 * Loads the `.avsc` files under `schemas/avro/` into a checked, self-contained set of record schemas: the one
 * place that knows how the folder is laid out. Everything else (generated types, serde, compatibility check,
 * AsyncAPI) starts from a `SchemaSet`.
 *
 * Layout: `avro/common/` holds named types shared by several files (Money, Address, …), referenced elsewhere by
 * full name; `avro/<context>/` holds one command or event per file (its kind is read from its envelope: a command
 * starts with `commandId`, an event with `eventId`); `avro/commerce/` holds the cross-context records
 * (CommandReply, DeadLetter, WebhookReceived). A schema registered in the registry must stand alone, so each top-level record is
 * expanded: the first reference to a shared type is replaced by its definition (later ones stay names, as Avro
 * requires).
 *
 * The loader also enforces the rules the issue states for every file, so they cannot drift: a `doc` on every
 * record, enum and field; the exact event and command envelopes; money only as `streamshop.common.Money`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';

export const CONTEXTS = ['catalog', 'inventory', 'orders', 'payments', 'users', 'invoicing', 'notifications'] as const;
export type Context = (typeof CONTEXTS)[number];

export type RecordKind = 'command' | 'event' | 'reply' | 'dead-letter' | 'webhook';

/** The folder holding the committed `.avsc` files. */
export const AVRO_DIR = fileURLToPath(new URL('../avro/', import.meta.url));

export type AvroJson = string | AvroJson[] | { [key: string]: unknown };
export interface RawNamed {
  type: 'record' | 'enum' | 'fixed';
  name: string;
  namespace?: string;
  doc?: string;
  fields?: RawField[];
  symbols?: string[];
  [attr: string]: unknown;
}
export interface RawField {
  name: string;
  type: AvroJson;
  doc?: string;
  default?: unknown;
  [attr: string]: unknown;
}

export interface TopLevelRecord {
  /** Full Avro name, e.g. `streamshop.orders.OrderPlaced`; the `type` of a decoded record. */
  name: string;
  /** File path relative to `avro/`, e.g. `orders/OrderPlaced.avsc`. */
  file: string;
  context: Context | 'commerce';
  kind: RecordKind;
  /** Self-contained schema (shared types inlined), as registered in the registry. */
  schema: RawNamed;
  /** avsc type of `schema`. Logical types are not registered: timestamps are epoch-millis numbers. */
  type: avro.Type;
}

export interface SchemaSet {
  /** Top-level records by full name, in a stable order (context, then file name). */
  records: Map<string, TopLevelRecord>;
  /** Shared named types from `avro/common/`, by full name. */
  shared: Map<string, RawNamed>;
}

/** Raised when the `.avsc` files break a rule; says which file and what to change. */
export class SchemaRuleError extends Error {
  constructor(readonly problems: string[]) {
    super(`Avro schemas break ${problems.length} rule(s):\n  - ${problems.join('\n  - ')}`);
    this.name = 'SchemaRuleError';
  }
}

const TIMESTAMP = { type: 'long', logicalType: 'timestamp-millis' };
const UUID = { type: 'string', logicalType: 'uuid' };
const OPTIONAL_STRING = ['null', 'string'];

export interface EnvelopeField {
  name: string;
  type: unknown;
  /** Aggregate-neutral doc for the generated TS envelope (each .avsc has its own, aggregate-specific doc). */
  doc: string;
  /**
   * Added after records were already written (it has a default): optional in the generated TS, so writers that
   * predate it still compile and avsc fills in the default.
   */
  optional?: boolean;
}

/**
 * The acting person, on every command and event (the event log is the audit trail). Last in both envelopes and
 * optional with a null default, because records written before it existed must still be read.
 */
const ACTOR_ID = (doc: string): EnvelopeField => ({ name: 'actorId', type: OPTIONAL_STRING, doc, optional: true });

/** Envelope every event starts with, in this order. */
export const EVENT_ENVELOPE: ReadonlyArray<EnvelopeField> = [
  { name: 'eventId', type: UUID, doc: 'Unique id of this event (UUID).' },
  { name: 'aggregateId', type: 'string', doc: 'Id of the aggregate; also the Kafka record key.' },
  {
    name: 'aggregateVersion',
    type: 'long',
    doc: 'Version of the aggregate after this event: 1, 2, 3, … per aggregate with no gaps.',
  },
  { name: 'occurredAt', type: TIMESTAMP, doc: 'When it happened (the issuedAt of the causing command).' },
  { name: 'correlationId', type: 'string', doc: 'Id shared by every record of one business flow.' },
  { name: 'causationId', type: 'string', doc: 'Id of the command that caused this event.' },
  ACTOR_ID('User id of the person whose command caused this event; null when the system acted on its own.'),
];
/** Envelope every command starts with, in this order. */
export const COMMAND_ENVELOPE: ReadonlyArray<EnvelopeField> = [
  { name: 'commandId', type: UUID, doc: 'Unique id of this command (UUID), chosen by the sender.' },
  { name: 'aggregateId', type: 'string', doc: 'Id of the target aggregate; also the Kafka record key.' },
  { name: 'idempotencyKey', type: OPTIONAL_STRING, doc: 'Client idempotency key; a repeat gets the original result.' },
  { name: 'issuedAt', type: TIMESTAMP, doc: 'When the command was issued; deciders take "now" from here.' },
  { name: 'correlationId', type: 'string', doc: 'Id shared by every record of one business flow.' },
  { name: 'causationId', type: OPTIONAL_STRING, doc: 'Id of the event or command that caused it; null if direct.' },
  ACTOR_ID(
    "User id of the person who issued it (an admin for back-office commands); null for the system. Saga commands carry their cause's actorId.",
  ),
];

/** Reads every `.avsc` under a folder into a map from relative path to text. */
export function readAvroDir(dir: string = AVRO_DIR): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.avsc')) files.set(relative(dir, p).split('\\').join('/'), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

const fullName = (name: string, namespace: string | undefined) =>
  name.includes('.') || !namespace ? name : `${namespace}.${name}`;

const isNamedDefinition = (t: unknown): t is RawNamed =>
  typeof t === 'object' &&
  t !== null &&
  !Array.isArray(t) &&
  ['record', 'enum', 'fixed'].includes((t as RawNamed).type) &&
  typeof (t as RawNamed).name === 'string';

/** Checks docs on every named type and field, and that money is never a float. */
function lintDocs(file: string, schema: unknown, problems: string[], where = ''): void {
  if (Array.isArray(schema)) {
    for (const s of schema) lintDocs(file, s, problems, where);
    return;
  }
  if (typeof schema !== 'object' || schema === null) return;
  const s = schema as RawNamed & { items?: unknown; values?: unknown };
  if (isNamedDefinition(s)) {
    if (!s.doc?.trim()) problems.push(`${file}: ${s.type} ${s.name} has no doc`);
    for (const field of s.fields ?? []) {
      const path = `${where}${s.name}.${field.name}`;
      if (!field.doc?.trim()) problems.push(`${file}: field ${path} has no doc`);
      if (/amount|price|total/i.test(field.name) && JSON.stringify(field.type).match(/"(float|double)"/)) {
        problems.push(`${file}: field ${path} holds money as a float; use streamshop.common.Money`);
      }
      lintDocs(file, field.type, problems, `${path}.`);
    }
  }
  if (s.items !== undefined) lintDocs(file, s.items, problems, where);
  if (s.values !== undefined) lintDocs(file, s.values, problems, where);
}

export interface LoadOptions {
  /**
   * The files are a released version (read from git to check evolution against): envelope fields added since
   * (`optional`, always last) may be missing there. The working tree must have them all.
   */
  released?: boolean;
}

function checkEnvelope(
  file: string,
  record: RawNamed,
  problems: string[],
  options: LoadOptions,
): RecordKind | undefined {
  const first = record.fields?.[0]?.name;
  const expected = first === 'eventId' ? EVENT_ENVELOPE : first === 'commandId' ? COMMAND_ENVELOPE : undefined;
  if (!expected) {
    problems.push(`${file}: a context record must start with the event envelope (eventId…) or the command one`);
    return undefined;
  }
  expected.forEach((want, i) => {
    const got = record.fields?.[i];
    if (options.released && want.optional && got?.name !== want.name) return;
    if (!got || got.name !== want.name || JSON.stringify(got.type) !== JSON.stringify(want.type)) {
      problems.push(
        `${file}: envelope field ${i + 1} must be ${want.name}: ${JSON.stringify(want.type)}, found ${got ? `${got.name}: ${JSON.stringify(got.type)}` : 'nothing'}`,
      );
    }
  });
  return first === 'eventId' ? 'event' : 'command';
}

/**
 * Replaces the first reference to each shared named type by its definition (recursively), so the schema stands
 * alone. `seen` holds the names already defined earlier in the same schema.
 */
function expand(schema: unknown, shared: Map<string, RawNamed>, seen: Set<string>, namespace?: string): unknown {
  if (typeof schema === 'string') {
    const name = fullName(schema, shared.has(schema) ? undefined : namespace);
    const definition = shared.get(name) ?? shared.get(schema);
    if (!definition) return schema;
    const defName = fullName(definition.name, definition.namespace);
    if (seen.has(defName)) return defName;
    return expand(definition, shared, seen, namespace);
  }
  if (Array.isArray(schema)) return schema.map((s) => expand(s, shared, seen, namespace));
  if (typeof schema !== 'object' || schema === null) return schema;
  const s = schema as Record<string, unknown>;
  if (isNamedDefinition(s)) {
    const ns = s.namespace ?? namespace;
    seen.add(fullName(s.name, ns));
    const out: Record<string, unknown> = { ...s };
    if (s.fields) {
      out.fields = s.fields.map((f) => ({ ...f, type: expand(f.type, shared, seen, ns) }));
    }
    return out;
  }
  const out: Record<string, unknown> = { ...s };
  if (s.items !== undefined) out.items = expand(s.items, shared, seen, namespace);
  if (s.values !== undefined) out.values = expand(s.values, shared, seen, namespace);
  return out;
}

/**
 * Parses, checks and expands a set of `.avsc` texts (relative path → JSON text), from the working tree
 * (`readAvroDir()`) or from a git revision. Throws `SchemaRuleError` listing every broken rule.
 */
export function loadSchemaSet(files: Map<string, string> = readAvroDir(), options: LoadOptions = {}): SchemaSet {
  const problems: string[] = [];
  const shared = new Map<string, RawNamed>();
  const topLevel: Array<{ file: string; raw: RawNamed; context: Context | 'commerce' }> = [];
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    let raw: RawNamed;
    try {
      raw = JSON.parse(text) as RawNamed;
    } catch (err) {
      problems.push(`${file}: not valid JSON (${(err as Error).message})`);
      continue;
    }
    const [folder, base] = file.split('/');
    if (!isNamedDefinition(raw) || !raw.namespace) {
      problems.push(`${file}: must hold one named record/enum with a namespace`);
      continue;
    }
    if (base !== `${raw.name}.avsc`) problems.push(`${file}: file name must be ${raw.name}.avsc`);
    lintDocs(file, raw, problems);
    if (folder === 'common') {
      shared.set(fullName(raw.name, raw.namespace), raw);
    } else if (folder === 'commerce' || (CONTEXTS as readonly string[]).includes(folder ?? '')) {
      if (raw.type !== 'record') problems.push(`${file}: must be a record`);
      if (raw.namespace !== `streamshop.${folder}`) problems.push(`${file}: namespace must be streamshop.${folder}`);
      topLevel.push({ file, raw, context: folder as Context | 'commerce' });
    } else {
      problems.push(`${file}: unknown folder ${folder}; expected common, commerce or one of ${CONTEXTS.join(', ')}`);
    }
  }

  const records = new Map<string, TopLevelRecord>();
  for (const { file, raw, context } of topLevel) {
    const kind: RecordKind | undefined =
      context === 'commerce'
        ? raw.name === 'CommandReply'
          ? 'reply'
          : raw.name === 'DeadLetter'
            ? 'dead-letter'
            : raw.name === 'WebhookReceived'
              ? 'webhook'
              : undefined
        : checkEnvelope(file, raw, problems, options);
    if (!kind) {
      if (context === 'commerce')
        problems.push(`${file}: commerce holds only CommandReply, DeadLetter and WebhookReceived`);
      continue;
    }
    const schema = expand(raw, shared, new Set()) as RawNamed;
    let type: avro.Type;
    try {
      type = avro.Type.forSchema(schema as avro.Schema);
    } catch (err) {
      problems.push(`${file}: avsc rejects it: ${(err as Error).message}`);
      continue;
    }
    const name = fullName(raw.name, raw.namespace);
    records.set(name, { name, file, context, kind, schema, type });
  }
  if (problems.length > 0) throw new SchemaRuleError(problems);
  return { records, shared };
}
