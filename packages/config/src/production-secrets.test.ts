import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, productionSecretProblems, requireProductionSecrets } from './index.ts';

/** What an operator sets for a real deployment: nothing the local stack knows. */
const REAL = {
  STRIPE_SECRET_KEY: 'sk_live_51Realkey',
  STRIPE_API_BASE: 'https://api.stripe.com',
  STRIPE_WEBHOOK_SECRET: 'whsec_realsigningsecret',
  PAYPAL_API_BASE: 'https://api-m.paypal.com',
  PAYPAL_CLIENT_ID: 'AbcRealClientId',
  PAYPAL_CLIENT_SECRET: 'EFGRealClientSecret',
  PAYPAL_WEBHOOK_ID: '1JE4291016473214C',
  CLERK_SECRET_KEY: 'sk_live_clerkrealkey',
};

const variables = (fn: () => void): string[] => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => p.variable);
  }
  return [];
};

describe('dev mode', () => {
  it('is off unless asked for', () => {
    expect(loadConfig({}).devMode).toBe(false);
    expect(loadConfig({ STREAMSHOP_DEV_MODE: '1' }).devMode).toBe(true);
    expect(loadConfig({}, { devModeUnlessSet: true }).devMode).toBe(true);
    // An explicit 0 wins over the launcher's default.
    expect(loadConfig({ STREAMSHOP_DEV_MODE: '0' }, { devModeUnlessSet: true }).devMode).toBe(false);
  });

  it('refuses production', () => {
    expect(variables(() => loadConfig({ STREAMSHOP_DEV_MODE: '1', STREAMSHOP_ENV: 'production' }))).toEqual([
      'STREAMSHOP_DEV_MODE',
    ]);
    expect(() => loadConfig({ STREAMSHOP_ENV: 'production' }, { devModeUnlessSet: true })).toThrow(
      /STREAMSHOP_DEV_MODE.*STREAMSHOP_ENV=production/,
    );
  });

  it('refuses a listener other machines can reach, naming GATEWAY_HOST and STREAMSHOP_DEV_MODE', () => {
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'shop.example.com']) {
      expect(() => loadConfig({ STREAMSHOP_DEV_MODE: '1', GATEWAY_HOST: host })).toThrow(
        /GATEWAY_HOST=.*loopback.*STREAMSHOP_DEV_MODE/s,
      );
    }
    for (const host of ['127.0.0.1', '::1', 'localhost', '127.0.0.2']) {
      expect(loadConfig({ STREAMSHOP_DEV_MODE: '1', GATEWAY_HOST: host }).gateway.host).toBe(host);
    }
    // Outside dev mode any listener is the operator's choice.
    expect(loadConfig({ GATEWAY_HOST: '0.0.0.0' }).gateway.host).toBe('0.0.0.0');
  });
});

describe('requireProductionSecrets', () => {
  it('names every missing or local-stack secret the gateway uses, and how to set it', () => {
    const config = loadConfig({});
    expect(variables(() => requireProductionSecrets(config, 'gateway'))).toEqual([
      'STRIPE_SECRET_KEY',
      'STRIPE_API_BASE',
      'STRIPE_WEBHOOK_SECRET',
      'PAYPAL_API_BASE',
      'PAYPAL_CLIENT_ID',
      'PAYPAL_CLIENT_SECRET',
      'PAYPAL_WEBHOOK_ID',
      'CLERK_JWT_KEY',
    ]);
    expect(() => requireProductionSecrets(config, 'gateway')).toThrow(
      /gateway refuses to start[\s\S]*CLERK_SECRET_KEY[\s\S]*STREAMSHOP_DEV_MODE=1/,
    );
  });

  it('asks the payment service for the provider API credentials only', () => {
    expect(variables(() => requireProductionSecrets(loadConfig({}), 'payment-service'))).toEqual([
      'STRIPE_SECRET_KEY',
      'STRIPE_API_BASE',
      'PAYPAL_API_BASE',
      'PAYPAL_CLIENT_ID',
      'PAYPAL_CLIENT_SECRET',
    ]);
    expect(productionSecretProblems(loadConfig({}), ['catalog-service', 'order-service'])).toEqual([]);
    expect(productionSecretProblems(loadConfig({}), ['catalog-service', 'payment-service'])).toHaveLength(5);
  });

  it('refuses the stand-ins even when set explicitly, and the local stack ports on loopback', () => {
    const config = loadConfig({
      ...REAL,
      STRIPE_WEBHOOK_SECRET: 'whsec_streamshop_local',
      PAYPAL_API_BASE: 'http://localhost:18090',
    });
    expect(variables(() => requireProductionSecrets(config, 'gateway'))).toEqual([
      'STRIPE_WEBHOOK_SECRET',
      'PAYPAL_API_BASE',
    ]);
  });

  it('passes with real secrets, and in dev mode', () => {
    expect(() => requireProductionSecrets(loadConfig(REAL), ['gateway', 'payment-service'])).not.toThrow();
    expect(() => requireProductionSecrets(loadConfig({ STREAMSHOP_DEV_MODE: '1' }), 'gateway')).not.toThrow();
  });
});

describe('trusted proxy hops', () => {
  it('trusts no proxy by default', () => {
    expect(loadConfig({}).gateway.trustedProxyHops).toBe(0);
    expect(loadConfig({ GATEWAY_TRUSTED_PROXY_HOPS: '2' }).gateway.trustedProxyHops).toBe(2);
    expect(() => loadConfig({ GATEWAY_TRUSTED_PROXY_HOPS: '-1' })).toThrow(/GATEWAY_TRUSTED_PROXY_HOPS/);
  });
});
