/**
 * Schema evolution rules, checked between two versions of the schema set (the last commit and the working
 * tree): the local half of `npm run schemas:check` (the other half asks the registry).
 *
 * BACKWARD (what the registry enforces on every subject): a reader with the new schema must read data written
 * with the old one, i.e. `newType.createResolver(oldType)` must succeed. On top of that we refuse removing a
 * field that has no default: Avro BACKWARD allows it, but consumers not yet redeployed (projections, analysts)
 * would then fail to read new records. To remove a field, first give it a default, release, then remove it.
 */
import avro from 'avsc';
import type { SchemaSet } from './schema-set.ts';

export interface Incompatibility {
  /** Full record name. */
  record: string;
  /** File under `avro/`. */
  file: string;
  /** Dotted path to the field that breaks, e.g. `streamshop.orders.OrderPlaced.total.amount`. */
  path: string;
  reason: string;
}

export const formatIncompatibility = (i: Incompatibility) => `${i.file}: ${i.path}: ${i.reason}`;

const describe = (t: avro.Type) => {
  const s = t.schema();
  return typeof s === 'string' ? s : JSON.stringify(s);
};

const canRead = (reader: avro.Type, writer: avro.Type) => {
  try {
    reader.createResolver(writer);
    return true;
  } catch {
    return false;
  }
};

/** Finds the innermost fields that make `reader` unable to read `writer` data. */
function explainUnreadable(reader: avro.Type, writer: avro.Type, path: string, out: string[][]): void {
  if (reader instanceof avro.types.RecordType && writer instanceof avro.types.RecordType) {
    const before = out.length;
    for (const field of reader.fields) {
      const names = [field.name, ...field.aliases];
      const source = writer.fields.find((w) => names.includes(w.name));
      const at = `${path}.${field.name}`;
      if (!source) {
        if (field.defaultValue() === undefined)
          out.push([at, 'added without a default: old records have no value for it']);
      } else if (!canRead(field.type, source.type)) {
        explainUnreadable(field.type, source.type, at, out);
      }
    }
    if (out.length === before) out.push([path, `cannot be read from ${describe(writer)}`]);
    return;
  }
  if (reader instanceof avro.types.ArrayType && writer instanceof avro.types.ArrayType) {
    explainUnreadable(reader.itemsType, writer.itemsType, `${path}[]`, out);
    return;
  }
  if (reader instanceof avro.types.MapType && writer instanceof avro.types.MapType) {
    explainUnreadable(reader.valuesType, writer.valuesType, `${path}{}`, out);
    return;
  }
  if (reader instanceof avro.types.EnumType && writer instanceof avro.types.EnumType) {
    const gone = writer.symbols.filter((s) => !reader.symbols.includes(s));
    out.push([path, `enum symbols removed without a default: ${gone.join(', ')}`]);
    return;
  }
  out.push([path, `type changed from ${describe(writer)} to ${describe(reader)}, which Avro cannot resolve`]);
}

/** Fields that have no default in `previous` and are gone from `current` (recursively through records). */
function removedRequired(previous: avro.Type, current: avro.Type, path: string, out: string[][]): void {
  if (previous instanceof avro.types.RecordType && current instanceof avro.types.RecordType) {
    for (const field of previous.fields) {
      const kept = current.fields.find((c) => c.name === field.name || c.aliases.includes(field.name));
      const at = `${path}.${field.name}`;
      if (!kept) {
        if (field.defaultValue() === undefined) {
          out.push([at, 'required field removed: consumers on the previous schema cannot read new records']);
        }
      } else {
        removedRequired(field.type, kept.type, at, out);
      }
    }
  } else if (previous instanceof avro.types.ArrayType && current instanceof avro.types.ArrayType) {
    removedRequired(previous.itemsType, current.itemsType, `${path}[]`, out);
  }
}

/** Every incompatibility of `current` against `previous`, record by record. Empty = safe to release. */
export function checkEvolution(previous: SchemaSet, current: SchemaSet): Incompatibility[] {
  const found: Incompatibility[] = [];
  for (const [name, before] of previous.records) {
    const after = current.records.get(name);
    if (!after) {
      found.push({
        record: name,
        file: before.file,
        path: name,
        reason: 'record removed: its old records could no longer be read',
      });
      continue;
    }
    const problems: string[][] = [];
    if (!canRead(after.type, before.type)) explainUnreadable(after.type, before.type, name, problems);
    removedRequired(before.type, after.type, name, problems);
    for (const [path, reason] of problems) found.push({ record: name, file: after.file, path: path!, reason: reason! });
  }
  return found;
}
