export {
  type AggregateEntry,
  type AggregateSnapshot,
  applyStoredEvent,
  type CommandOutcome,
  DEFAULT_DEDUPE_WINDOW,
  fromSnapshot,
  handleCommand,
  jsonStateCodec,
  type ProcessedCommand,
  type StateCodec,
  toSnapshot,
} from './aggregates.ts';
export {
  CHECKPOINT_KEY,
  type CommandProcessor,
  type CommandProcessorOptions,
  type CommandTopics,
  createCommandProcessor,
  type ReactInput,
  type RebuildInfo,
  transactionalIdFor,
} from './command-processor.ts';
export {
  DEAD_LETTER_RECORD,
  type DeadLetter,
  DeadLetterFormatError,
  type DeadLetterSource,
  deadLetterId,
  deadLetterRecord,
  describeError,
  headersAsStrings,
  readDeadLetter,
} from './dead-letter.ts';
export {
  type BuiltCommandEnvelope,
  type CommandMeta,
  type CommandOrigin,
  type CommandReply,
  commandEnvelope,
  deterministicId,
  type EventMeta,
  eventIdFor,
  flatRecordMapping,
  type RecordMapping,
  STREAMSHOP_ID_NAMESPACE,
  type StampedEvent,
  stampEvents,
  typedRecordMapping,
} from './envelope.ts';
export {
  createKafka,
  createTransactionalProducer,
  isFencingError,
  partitionOffsets,
  readPartitionRange,
  retryConcurrentTransactions,
  TRANSACTIONAL_SEND_RETRY,
  topicOffsets,
} from './kafka-io.ts';
export {
  classifyKafkaLog,
  type KafkaLogVerdict,
  type RetriedAnswerType,
  RetriedBrokerAnswers,
} from './kafka-logs.ts';
export type { OutgoingRecord } from './outgoing.ts';
export { createReactor, type Reactor, type ReactorOptions, type SourceRecord } from './reactor.ts';
export type { DecodedRecord, Serde } from './serde.ts';
export { type Runnable, runUntilSignal } from './shutdown.ts';
export {
  type BatchContext,
  createTransactionalConsumer,
  type TopicPartition,
  type TransactionalBatchHandler,
  type TransactionalConsumer,
  type TransactionalConsumerOptions,
} from './transactional-consumer.ts';
