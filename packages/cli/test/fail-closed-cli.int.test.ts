/**
 * The CLI's launchers fail closed like the services' own entry points: outside dev mode, `streamshop run services`
 * and `streamshop up` refuse the local stack's stand-in secrets before starting anything, naming each variable.
 */
import { describe, expect, it } from 'vitest';
import { cli } from './cli-process.fixture.ts';

const WITHOUT_DEV_MODE = {
  STREAMSHOP_DEV_MODE: '0',
  // Whatever the developer's shell holds, these are the stand-ins again.
  STRIPE_SECRET_KEY: 'sk_test_streamshop',
  PAYPAL_CLIENT_ID: 'streamshop-sandbox',
};

describe('fail-closed launchers', () => {
  it('run services refuses the payment service the local-stack Stripe and PayPal credentials', async () => {
    const r = await cli(['run', 'services', '--only', 'order,payment'], { env: WITHOUT_DEV_MODE });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/payment-service.*refuses to start/);
    for (const variable of ['STRIPE_SECRET_KEY', 'STRIPE_API_BASE', 'PAYPAL_CLIENT_ID', 'STREAMSHOP_DEV_MODE=1']) {
      expect(r.stderr).toContain(variable);
    }
  });

  it('up with STREAMSHOP_DEV_MODE=0 refuses them too, and names the gateway secrets', async () => {
    const r = await cli(['up', '--no-seed', '--no-storefront', '--port', '0'], { env: WITHOUT_DEV_MODE });
    expect(r.code).toBe(1);
    for (const variable of ['STRIPE_WEBHOOK_SECRET', 'PAYPAL_WEBHOOK_ID', 'CLERK_JWT_KEY']) {
      expect(r.stderr).toContain(variable);
    }
    expect(r.stdout).not.toContain('stack:');
  });
});
