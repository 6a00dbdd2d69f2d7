export type { Component, ComponentName, Health, StackContext } from './component.ts';
export { kafkaVersionFromPom } from './components/kafka.ts';
export { MAILPIT_VERSION, mailpitBinary } from './components/mailpit.ts';
export { FERRETDB_VERSION } from './components/mongodb.ts';
export { APICURIO_VERSION } from './components/registry.ts';
export { STRIPE_MOCK_VERSION } from './components/stripe-mock.ts';
export { repoRoot, stackPaths } from './paths.ts';
export {
  createPayPalSandbox,
  PAYPAL_SANDBOX_VERSION,
  type PayPalSandbox,
  type PayPalSandboxOptions,
  type WebhookDelivery,
} from './paypal-sandbox/server.ts';
export { ensureDebianPackage } from './prerequisites.ts';
export {
  COMPONENT_NAMES,
  COMPONENTS,
  type ComponentStatus,
  down,
  logFile,
  reset,
  stackContext,
  status,
  type UpResult,
  up,
} from './stack.ts';
export { StepError } from './steps.ts';
