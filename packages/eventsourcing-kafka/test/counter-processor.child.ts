/**
 * Runs the counter processor in its own process so crash.int.test.ts can SIGKILL it mid-stream.
 * argv[2]: JSON { nsId, topics }. Prints "ready" once started.
 */
import { loadConfig } from '@streamshop/config';
import { createKafka } from '../src/kafka-io.ts';
import { counterProcessor, type Topics, testLogger } from './counter.fixture.ts';

const { nsId, topics } = JSON.parse(process.argv[2]!) as { nsId: string; topics: Topics };
const config = loadConfig();
const kafka = createKafka({ brokers: config.kafka.brokers, clientId: `${nsId}-child` }, testLogger);
const processor = counterProcessor(kafka, { id: nsId }, topics);
await processor.start();
process.stdout.write('ready\n');
