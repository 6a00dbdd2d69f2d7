export { eventually } from './eventually.ts';
export { createNamespace, type Namespace } from './namespace.ts';
export { fastConsumer, testLogger } from './test-clients.ts';
export { testConfig } from './test-config.ts';
