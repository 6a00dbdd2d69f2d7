/**
 * The configuration every test starts from: the environment's, in dev mode unless STREAMSHOP_DEV_MODE says
 * otherwise. Tests drive the dev sign-in and test-mode payments against the local stack, which outside dev mode
 * exist no more (issue 10: fail closed); a test of the refusals builds its own configuration or environment.
 */
import { type Config, loadConfig } from '@streamshop/config';

export function testConfig(): Config {
  return loadConfig(undefined, { devModeUnlessSet: true });
}
