/**
 * Fail closed: outside dev mode a process refuses to start while a secret it uses is missing or still the local
 * stack's public stand-in (`LOCAL_STACK_SECRETS`, the sandbox API bases, no Clerk keys). Which process uses which
 * secret is declared once here, so the gateway, the services and the CLI's launchers ask the same question and an
 * operator gets one message naming every variable to set, instead of a first webhook failing in production.
 */
import type { Config } from './index.ts';
import { ConfigError, isLoopbackHost, LOCAL_STACK_SECRETS } from './index.ts';

/** The processes that hold provider or identity secrets; every other process needs none. */
export type SecretHolder = 'gateway' | 'payment-service' | 'notification-service';

interface SecretCheck {
  variable: string;
  usedBy: readonly SecretHolder[];
  /** True when the value is missing or the local stack's. */
  isLocal: (config: Config) => boolean;
  howTo: string;
}

const BOTH: readonly SecretHolder[] = ['gateway', 'payment-service'];

/** `http://127.0.0.1:<the stack's port>`: the local stripe-mock or PayPal sandbox, which accept any payment. */
function isLocalStackUrl(url: string, stackPort: number): boolean {
  try {
    const u = new URL(url);
    return isLoopbackHost(u.hostname) && Number(u.port) === stackPort;
  } catch {
    return false;
  }
}

const CHECKS: readonly SecretCheck[] = [
  {
    variable: 'STRIPE_SECRET_KEY',
    usedBy: BOTH,
    isLocal: (c) => c.stripe.secretKey === LOCAL_STACK_SECRETS.stripeSecretKey,
    howTo: 'set your Stripe secret key (Dashboard → Developers → API keys, sk_live_… or rk_live_…)',
  },
  {
    variable: 'STRIPE_API_BASE',
    usedBy: BOTH,
    isLocal: (c) => isLocalStackUrl(c.stripe.apiBase, c.stack.ports.stripeMock),
    howTo: 'points at the local stripe-mock; set STRIPE_API_BASE=https://api.stripe.com',
  },
  {
    variable: 'STRIPE_WEBHOOK_SECRET',
    usedBy: ['gateway'],
    isLocal: (c) => c.stripe.webhookSecret === LOCAL_STACK_SECRETS.stripeWebhookSecret,
    howTo: 'set the signing secret of your /webhooks/stripe endpoint (Dashboard → Webhooks, whsec_…)',
  },
  {
    variable: 'PAYPAL_API_BASE',
    usedBy: BOTH,
    isLocal: (c) => isLocalStackUrl(c.paypal.apiBase, c.stack.ports.paypalSandbox),
    howTo: 'points at the local PayPal sandbox; set PAYPAL_API_BASE=https://api-m.paypal.com',
  },
  {
    variable: 'PAYPAL_CLIENT_ID',
    usedBy: BOTH,
    isLocal: (c) => c.paypal.clientId === LOCAL_STACK_SECRETS.paypalClientId,
    howTo: 'set the client id of your PayPal REST app (developer.paypal.com → Apps & Credentials)',
  },
  {
    variable: 'PAYPAL_CLIENT_SECRET',
    usedBy: BOTH,
    isLocal: (c) => c.paypal.clientSecret === LOCAL_STACK_SECRETS.paypalClientSecret,
    howTo: 'set the secret of your PayPal REST app',
  },
  {
    variable: 'PAYPAL_WEBHOOK_ID',
    usedBy: ['gateway'],
    isLocal: (c) => c.paypal.webhookId === LOCAL_STACK_SECRETS.paypalWebhookId,
    howTo: 'set the id PayPal gave your /webhooks/paypal webhook (its signatures are verified against it)',
  },
  {
    variable: 'SMTP_URL',
    usedBy: ['notification-service'],
    isLocal: (c) => {
      try {
        const u = new URL(c.notifications.smtpUrl);
        return isLoopbackHost(u.hostname) && Number(u.port) === c.stack.ports.mailpitSmtp;
      } catch {
        return true;
      }
    },
    howTo: 'points at the local Mailpit, which delivers nothing; set SMTP_URL=smtps://user:password@your-smtp-host:465',
  },
  {
    variable: 'CLERK_JWT_KEY',
    usedBy: ['gateway'],
    isLocal: (c) => !c.clerk.jwtKey && !c.clerk.secretKey,
    howTo:
      'no Clerk keys: set CLERK_JWT_KEY (the instance PEM public key, networkless) or CLERK_SECRET_KEY (sk_live_…, JWKS)',
  },
];

/** The variables `forWhat` would refuse, with how to set each; empty in dev mode. */
export function productionSecretProblems(
  config: Config,
  forWhat: SecretHolder | string | readonly string[],
): ConfigError['problems'] {
  if (config.devMode) return [];
  const holders = new Set<string>(typeof forWhat === 'string' ? [forWhat] : forWhat);
  return CHECKS.filter((check) => check.usedBy.some((h) => holders.has(h)) && check.isLocal(config)).map((check) => ({
    variable: check.variable,
    value: undefined,
    message: check.howTo,
  }));
}

/**
 * Throws a ConfigError naming every missing or local-stack secret that `forWhat` (a process name such as `gateway`
 * or `payment-service`, or several when one process runs them) uses; does nothing in dev mode or for processes
 * holding no secrets. Call it at every entry point, after `loadConfig`, before connecting to anything.
 */
export function requireProductionSecrets(config: Config, forWhat: SecretHolder | string | readonly string[]): void {
  const problems = productionSecretProblems(config, forWhat);
  if (problems.length === 0) return;
  const who = typeof forWhat === 'string' ? forWhat : forWhat.join(', ');
  throw new ConfigError(
    problems,
    `${who} refuses to start: outside dev mode these secrets are missing or still the local stack's public stand-ins:\n` +
      problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n') +
      '\nSet them (from your secret store), or for local use only set STREAMSHOP_DEV_MODE=1 (dev sign-in and ' +
      'test-mode payments against the local stack, on a loopback GATEWAY_HOST).',
  );
}
