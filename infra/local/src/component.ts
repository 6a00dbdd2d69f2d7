/** What every server of the local stack provides to `stack up|down|status`. */
import type { Config } from '@streamshop/config';
import type { StackPaths } from './paths.ts';
import type { Say } from './steps.ts';

export type ComponentName = 'kafka' | 'mongodb' | 'redis' | 'registry' | 'stripe-mock' | 'paypal-sandbox' | 'mailpit';

export interface StackContext {
  config: Config;
  paths: StackPaths;
  say: Say;
}

export interface Health {
  healthy: boolean;
  /** The version as the server itself reports it. */
  version: string | undefined;
  detail?: string;
}

export interface Component {
  name: ComponentName;
  /** Where it comes from, for `status` and docs. */
  origin: string;
  port(ctx: StackContext): number;
  /** What a client is given: a broker list, a MongoDB URL, a Redis URL, the registry's Confluent-API base URL… */
  url(ctx: StackContext): string;
  /** False when the server is provided from outside (e.g. MONGODB_URL) and we neither start nor stop it. */
  managed(ctx: StackContext): boolean;
  /** A process of our own with no upstream image: it runs on the host in the docker stack too. */
  hostProcess?: boolean;
  /** Downloads and builds whatever is missing under .stack/ (idempotent, prints each step). */
  prepare(ctx: StackContext): Promise<void>;
  /** Starts the server detached; returns its pid. */
  start(ctx: StackContext): Promise<number>;
  /** One health probe; throws when unreachable. */
  probe(ctx: StackContext): Promise<Health>;
  /** How long a start may take before it counts as failed. */
  startTimeoutMs: number;
}
