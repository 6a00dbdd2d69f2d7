/**
 * The dead-letter record every runtime writes to `commerce.dlq` when it gives up on an input record, and the one
 * reader of it. The value is the Avro record `streamshop.commerce.DeadLetter` (schemas/avro/commerce/DeadLetter.avsc),
 * encoded with the runtime's serde, so analysts decode the DLQ like any other topic; the record key is the source
 * key (same partitioning story as the source), and `dlq.*` headers repeat the coordinates for kcat users.
 *
 * A dead letter's id is derived from where it came from and who failed it, not from when: a runtime that crashes
 * after writing the DLQ record but before committing its offset writes the same record again on restart, and the
 * operator tools must see one entry, not two.
 */
import { createHash } from 'node:crypto';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { Serde } from './serde.ts';

/** Full Avro name of the DLQ value. */
export const DEAD_LETTER_RECORD = 'streamshop.commerce.DeadLetter';

/**
 * The decoded DLQ value: the runtime's view of `streamshop.commerce.DeadLetter` (this package does not depend on
 * the generated types; `projections/src/operator/dead-letters.ts` checks at compile time that both agree).
 */
export interface DeadLetter {
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  consumerGroup: string;
  error: string;
  /** Epoch milliseconds. */
  failedAt: number;
}

/** The record a runtime could not process, as it read it. */
export interface DeadLetterSource {
  topic: string;
  partition: number;
  /** Kafka offset as kafkajs gives it (a decimal string). */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

/** `sha1("<group>|<topic>|<partition>|<offset>")`, first 16 hex digits: the same failure always has the same id. */
export function deadLetterId(
  d: Pick<DeadLetter, 'consumerGroup' | 'sourceTopic' | 'sourcePartition' | 'sourceOffset'>,
) {
  return createHash('sha1')
    .update(`${d.consumerGroup}|${d.sourceTopic}|${d.sourcePartition}|${d.sourceOffset}`)
    .digest('hex')
    .slice(0, 16);
}

/** `Error: message` (class and message), never a stack: the DLQ is read by people deciding what to do. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Kafka headers as the map<string> the record holds (a repeated header keeps its last value). */
export function headersAsStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = last.toString();
  }
  return out;
}

/**
 * The DLQ record for `source`, which `consumerGroup` failed to process with `error`: value encoded with `serde` as
 * `streamshop.commerce.DeadLetter` for `dlqTopic`, key = the source key, and `dlq.*` headers with the coordinates.
 */
export async function deadLetterRecord(
  serde: Serde,
  dlqTopic: string,
  source: DeadLetterSource,
  error: unknown,
  consumerGroup: string,
  failedAt: number = Date.now(),
): Promise<{ topic: string; message: Message }> {
  const reason = describeError(error);
  const deadLetter: DeadLetter = {
    sourceTopic: source.topic,
    sourcePartition: source.partition,
    sourceOffset: Number(source.offset),
    key: source.key,
    value: source.value,
    headers: headersAsStrings(source.headers),
    consumerGroup,
    error: reason.slice(0, 10_000),
    failedAt,
  };
  return {
    topic: dlqTopic,
    message: {
      key: source.key,
      value: await serde.encode(dlqTopic, DEAD_LETTER_RECORD, deadLetter),
      headers: {
        'dlq.id': deadLetterId(deadLetter),
        'dlq.source.topic': source.topic,
        'dlq.source.partition': String(source.partition),
        'dlq.source.offset': source.offset,
        'dlq.error': reason.slice(0, 2000),
        'dlq.group': consumerGroup,
      },
    },
  };
}

/** Raised when a DLQ record is neither a DeadLetter nor an older raw copy with `dlq.*` headers. */
export class DeadLetterFormatError extends Error {
  override name = 'DeadLetterFormatError';
}

/**
 * Reads a record of the DLQ topic: the DeadLetter and its id. Records written before the DLQ value became a
 * DeadLetter (original bytes plus `dlq.*` headers) are read from their headers, so old entries stay manageable.
 */
export async function readDeadLetter(
  serde: Serde,
  message: Pick<KafkaMessage, 'value' | 'headers'> & { timestamp?: string; key?: Buffer | null },
): Promise<{ id: string; deadLetter: DeadLetter }> {
  if (message.value === null) throw new DeadLetterFormatError('DLQ record without a value');
  let decodeError: unknown;
  try {
    const decoded = await serde.decode(message.value);
    if (decoded.type === DEAD_LETTER_RECORD) {
      const deadLetter = normalise(decoded.value);
      return { id: deadLetterId(deadLetter), deadLetter };
    }
    decodeError = new DeadLetterFormatError(`a ${decoded.type} record, not a ${DEAD_LETTER_RECORD}`);
  } catch (err) {
    decodeError = err;
  }
  const headers = headersAsStrings(message.headers);
  const topic = headers['dlq.source.topic'];
  const partition = headers['dlq.source.partition'];
  const offset = headers['dlq.source.offset'];
  if (topic === undefined || partition === undefined || offset === undefined) {
    throw new DeadLetterFormatError(`not a dead letter: ${describeError(decodeError)}`);
  }
  const original: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (!name.startsWith('dlq.')) original[name] = value;
  const deadLetter: DeadLetter = {
    sourceTopic: topic,
    sourcePartition: Number(partition),
    sourceOffset: Number(offset),
    key: message.key ?? null,
    value: message.value,
    headers: original,
    consumerGroup: headers['dlq.group'] ?? headers['dlq.service'] ?? 'unknown',
    error: headers['dlq.error'] ?? 'unknown',
    failedAt: Number(message.timestamp ?? 0),
  };
  return { id: deadLetterId(deadLetter), deadLetter };
}

/**
 * Bytes fields come back as Buffers from Avro; a JSON serde gives `{ type: 'Buffer', data: [...] }` (how a Buffer
 * stringifies) and may give strings for longs. Accept both so the reader does not depend on the serde.
 */
function normalise(value: unknown): DeadLetter {
  if (typeof value !== 'object' || value === null) throw new DeadLetterFormatError('DeadLetter value is not a record');
  const v = value as Record<string, unknown>;
  const text = (field: string) => {
    if (typeof v[field] !== 'string') throw new DeadLetterFormatError(`DeadLetter without ${field}`);
    return v[field] as string;
  };
  const headers: Record<string, string> = {};
  for (const [name, h] of Object.entries((v.headers ?? {}) as Record<string, unknown>)) headers[name] = String(h);
  return {
    sourceTopic: text('sourceTopic'),
    sourcePartition: Number(v.sourcePartition),
    sourceOffset: Number(v.sourceOffset),
    key: bytes(v.key),
    value: bytes(v.value),
    headers,
    consumerGroup: text('consumerGroup'),
    error: text('error'),
    failedAt: Number(v.failedAt),
  };
}

function bytes(value: unknown): Buffer | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value);
  const json = value as { type?: unknown; data?: unknown };
  if (json.type === 'Buffer' && Array.isArray(json.data)) return Buffer.from(json.data as number[]);
  throw new DeadLetterFormatError(`DeadLetter bytes field holds ${typeof value}`);
}
