/**
 * The platform the browser tests run against, from `@streamshop/cli/platform` (the same launcher as README's first
 * command): stack clients, topics, command services, projections, the gateway serving storefront/dist, and the
 * seeded demo catalog, all under the test's prefix.
 */
export { startPlatform } from '@streamshop/cli/platform';
export type Platform = Awaited<ReturnType<typeof import('@streamshop/cli/platform').startPlatform>>;
