/**
 * Configuration for every streamshop process, read from environment variables once at start and passed
 * in from `main.ts`. Nothing else in the code reads `process.env`. Defaults match the local stack
 * (`streamshop stack up`), whose ports sit away from the standard ones so a developer's own Kafka,
 * MongoDB or Redis can keep running beside it.
 */
import { z } from 'zod';

export const STACK_DEFAULT_PORTS = {
  kafka: 19092,
  kafkaController: 19093,
  mongodb: 27117,
  redis: 16379,
  registry: 18081,
  stripeMock: 12211,
  paypalSandbox: 18090,
  mailpitSmtp: 11025,
  mailpitHttp: 18025,
} as const;

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'expected a TCP port number' })
    .int({ error: 'expected a whole TCP port number' })
    .min(1, { error: 'expected a port between 1 and 65535' })
    .max(65535, { error: 'expected a port between 1 and 65535' })
    .default(fallback);

const HOST_PORT = /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/;
const brokerList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  )
  .refine((list) => list.length > 0 && list.every((b) => HOST_PORT.test(b)), {
    error: 'expected a comma-separated list of host:port (e.g. 127.0.0.1:19092)',
  });

const urlWith = (protocols: string[], example: string) =>
  z.string().refine(
    (s) => {
      try {
        return protocols.includes(new URL(s).protocol);
      } catch {
        return false;
      }
    },
    { error: `expected a ${protocols.join(' or ')} URL (e.g. ${example})` },
  );

const millis = (fallback: number) =>
  z.coerce
    .number({ error: 'expected a duration in milliseconds' })
    .int({ error: 'expected a whole number of milliseconds' })
    .min(1, { error: 'expected a duration of at least 1 ms' })
    .default(fallback);

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''], { error: 'expected true or false' })
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

/**
 * The local stack's stand-ins for real credentials: public values, known to anyone who reads this repository. They
 * are the defaults so that dev mode works out of the box, and `requireProductionSecrets` refuses them outside it.
 */
export const LOCAL_STACK_SECRETS = {
  stripeSecretKey: 'sk_test_streamshop',
  stripeWebhookSecret: 'whsec_streamshop_local',
  paypalClientId: 'streamshop-sandbox',
  paypalClientSecret: 'streamshop-sandbox-secret',
  paypalWebhookId: 'WH-STREAMSHOP-SANDBOX',
} as const;

/** Hosts that only this machine can reach: the only listeners dev mode accepts. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

const EMAIL = /^[^\s@<>,]+@[^\s@<>,]+$/;
const emailList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
  )
  .refine((list) => list.every((a) => EMAIL.test(a)), {
    error: 'expected a comma-separated list of e-mail addresses (e.g. ops@example.com,owner@example.com)',
  });

/** `books=550,food=550`: VAT rates in basis points by product category. */
const vatRates = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => pair.split('=').map((p) => p.trim()) as [string, string]),
  )
  .refine((pairs) => pairs.every(([k, v]) => k && /^\d{1,5}$/.test(v ?? '') && Number(v) <= 10_000), {
    error: 'expected category=basisPoints pairs separated by commas (e.g. books=550,food=550)',
  })
  .transform((pairs) => Object.fromEntries(pairs.map(([k, v]) => [k, Number(v)])) as Record<string, number>);

/** The variables we read, with their defaults. Unknown variables are ignored. */
const EnvSchema = z.object({
  STREAMSHOP_ENV: z
    .enum(['development', 'test', 'production'], { error: 'expected development, test or production' })
    .default('development'),
  STREAMSHOP_DEV_MODE: bool.optional(),
  STREAMSHOP_STACK: z.enum(['native', 'docker'], { error: 'expected native or docker' }).default('native'),
  STREAMSHOP_STACK_DIR: z.string().min(1).optional(),
  STREAMSHOP_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'expected one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  STREAMSHOP_KAFKA_PORT: port(STACK_DEFAULT_PORTS.kafka),
  STREAMSHOP_KAFKA_CONTROLLER_PORT: port(STACK_DEFAULT_PORTS.kafkaController),
  STREAMSHOP_KAFKA_HEAP: z
    .string()
    .regex(/^\d+[mMgG]$/, { error: 'expected a JVM heap size such as 512m' })
    .default('768m'),
  STREAMSHOP_MONGO_PORT: port(STACK_DEFAULT_PORTS.mongodb),
  STREAMSHOP_REDIS_PORT: port(STACK_DEFAULT_PORTS.redis),
  STREAMSHOP_REGISTRY_PORT: port(STACK_DEFAULT_PORTS.registry),
  STREAMSHOP_REGISTRY_JAVA_HOME: z.string().min(1).optional(),
  JAVA_HOME: z.string().optional(),
  STREAMSHOP_STRIPE_MOCK_PORT: port(STACK_DEFAULT_PORTS.stripeMock),
  STREAMSHOP_PAYPAL_SANDBOX_PORT: port(STACK_DEFAULT_PORTS.paypalSandbox),
  STREAMSHOP_MAILPIT_SMTP_PORT: port(STACK_DEFAULT_PORTS.mailpitSmtp),
  STREAMSHOP_MAILPIT_HTTP_PORT: port(STACK_DEFAULT_PORTS.mailpitHttp),
  PAYPAL_SANDBOX_WEBHOOK_URL: urlWith(['http:', 'https:'], 'http://127.0.0.1:18080/webhooks/paypal').optional(),
  STREAMSHOP_KEEP_STACK: bool.default(false),
  KAFKA_BROKERS: brokerList.optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('streamshop'),
  MONGODB_URL: urlWith(['mongodb:', 'mongodb+srv:'], 'mongodb://127.0.0.1:27117/').optional(),
  MONGODB_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, { error: 'expected a MongoDB database name (letters, digits, _ and -)' })
    .default('streamshop'),
  REDIS_URL: urlWith(['redis:', 'rediss:'], 'redis://127.0.0.1:16379').optional(),
  SCHEMA_REGISTRY_URL: urlWith(['http:', 'https:'], 'http://127.0.0.1:18081/apis/ccompat/v7').optional(),
  STRIPE_API_BASE: urlWith(['http:', 'https:'], 'http://127.0.0.1:12211').optional(),
  ORDER_PAYMENT_TIMEOUT_MS: millis(30 * 60_000),
  ORDER_RESERVATION_TTL_MS: millis(60 * 60_000),
  ORDER_MAX_UNITS_PER_SKU: z.coerce
    .number({ error: 'expected a number of units' })
    .int({ error: 'expected a whole number of units' })
    .min(1, { error: 'expected at least 1' })
    .default(10),
  ORDER_MAX_OPEN_UNPAID_PER_CUSTOMER: z.coerce
    .number({ error: 'expected a number of orders' })
    .int({ error: 'expected a whole number of orders' })
    .min(1, { error: 'expected at least 1' })
    .default(3),
  TIMER_INTERVAL_MS: millis(5_000),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, { error: 'expected a Stripe secret key (sk_test_…)' })
    .default(LOCAL_STACK_SECRETS.stripeSecretKey),
  PAYPAL_API_BASE: urlWith(['http:', 'https:'], 'https://api-m.sandbox.paypal.com').optional(),
  PAYPAL_CLIENT_ID: z
    .string()
    .min(1, { error: 'expected the PayPal REST app client id' })
    .default(LOCAL_STACK_SECRETS.paypalClientId),
  PAYPAL_CLIENT_SECRET: z
    .string()
    .min(1, { error: 'expected the PayPal REST app secret' })
    .default(LOCAL_STACK_SECRETS.paypalClientSecret),
  PAYPAL_WEBHOOK_ID: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, { error: 'expected the PayPal webhook id (e.g. 1JE4291016473214C)' })
    .default(LOCAL_STACK_SECRETS.paypalWebhookId),
  STRIPE_PUBLISHABLE_KEY: z
    .string()
    .regex(/^pk_(test|live)_[A-Za-z0-9]+$/, { error: 'expected a Stripe publishable key (pk_test_…)' })
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9_]+$/, { error: 'expected a Stripe webhook signing secret (whsec_…)' })
    .default(LOCAL_STACK_SECRETS.stripeWebhookSecret),
  SMTP_URL: urlWith(['smtp:', 'smtps:'], 'smtps://user:password@smtp.example.com:465').optional(),
  NOTIFY_FROM: z
    .string()
    .regex(/^[^<>]*<?[^\s@<>]+@[^\s@<>]+>?$/, { error: 'expected an address such as "Shop <shop@example.com>"' })
    .default('streamshop <shop@streamshop.local>'),
  NOTIFY_ADMIN_EMAILS: emailList.default(['ops@streamshop.local']),
  NOTIFY_SMTP_MAX_ATTEMPTS: z.coerce.number().int().min(1, { error: 'expected at least 1' }).default(5),
  NOTIFY_SMTP_RETRY_BASE_MS: millis(1_000),
  NOTIFY_NOT_BEFORE: z.iso
    .datetime({ offset: true, error: 'expected an ISO 8601 instant such as 2026-03-01T09:00:00Z' })
    .transform((s) => Date.parse(s))
    .optional(),
  SHOP_NAME: z.string().min(1).default('streamshop'),
  SHOP_PUBLIC_URL: urlWith(['http:', 'https:'], 'https://shop.example.com').optional(),
  SHOP_LOCALE: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { error: 'expected a BCP 47 locale such as en-GB' })
    .default('en-GB'),
  INVOICE_SELLER_NAME: z.string().min(1).optional(),
  INVOICE_SELLER_ADDRESS: z
    .string()
    .min(1)
    .default('1 Stream Street, 75002 Paris, FR')
    .describe('comma-separated lines: street, postal code and city, country code'),
  INVOICE_SELLER_VAT_ID: z.string().min(1).optional(),
  INVOICE_VAT_RATE_BASIS_POINTS: z.coerce
    .number({ error: 'expected a VAT rate in basis points (2000 = 20%)' })
    .int({ error: 'expected a whole number of basis points (2000 = 20%)' })
    .min(0, { error: 'expected 0 or more' })
    .max(10_000, { error: 'expected at most 10000 (100%)' })
    .default(2000),
  INVOICE_VAT_RATES_BY_CATEGORY: vatRates.default({}),
  GATEWAY_PORT: port(18080),
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  GATEWAY_STATIC_DIR: z.string().min(1).optional(),
  GATEWAY_CORS_ORIGINS: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every((o) => o === '*' || /^https?:\/\/[^/]+$/.test(o)), {
      error: 'expected a comma-separated list of origins (e.g. http://localhost:5173,https://shop.example.com)',
    })
    .optional(),
  GATEWAY_TRUSTED_PROXY_HOPS: z.coerce
    .number({ error: 'expected a number of proxy hops' })
    .int({ error: 'expected a whole number of proxy hops' })
    .min(0, { error: 'expected 0 (no proxy) or more' })
    .max(10, { error: 'expected at most 10 proxy hops' })
    .default(0),
  GATEWAY_COMMAND_TIMEOUT_MS: millis(5_000),
  GATEWAY_BODY_LIMIT_BYTES: z.coerce
    .number({ error: 'expected a size in bytes' })
    .int({ error: 'expected a whole number of bytes' })
    .min(1024, { error: 'expected at least 1024 bytes' })
    .default(64 * 1024),
  GATEWAY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1, { error: 'expected at least 1' }).default(600),
  GATEWAY_COMMAND_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1, { error: 'expected at least 1' }).default(60),
  GATEWAY_LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1, { error: 'expected at least 1' }).default(20),
  GATEWAY_SSE_MAX_PER_USER: z.coerce.number().int().min(1, { error: 'expected at least 1' }).default(5),
  GATEWAY_SSE_MAX_TOTAL: z.coerce.number().int().min(1, { error: 'expected at least 1' }).default(1000),
  CLERK_JWT_KEY: z
    .string()
    .refine((s) => s.includes('-----BEGIN PUBLIC KEY-----'), {
      error: 'expected a PEM public key (-----BEGIN PUBLIC KEY-----…)',
    })
    .optional(),
  CLERK_SECRET_KEY: z
    .string()
    .regex(/^sk_(test|live)_[A-Za-z0-9]+$/, { error: 'expected a Clerk secret key (sk_test_…)' })
    .optional(),
  CLERK_PUBLISHABLE_KEY: z
    .string()
    .regex(/^pk_(test|live)_[A-Za-z0-9=_-]+$/, { error: 'expected a Clerk publishable key (pk_test_…)' })
    .optional(),
  CLERK_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, { error: 'expected a Clerk (Svix) webhook signing secret (whsec_…)' })
    .optional(),
  CLERK_AUTHORIZED_PARTIES: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .optional(),
});

export interface Config {
  env: 'development' | 'test' | 'production';
  /**
   * Dev sign-in and test-mode payments (STREAMSHOP_DEV_MODE=1): set by `streamshop up` and the test stack, never by
   * default, refused in production and on a listener other machines can reach. Off, every process refuses the local
   * stack's stand-in secrets (`requireProductionSecrets`).
   */
  devMode: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  stack: {
    mode: 'native' | 'docker';
    /** Absolute directory for the local stack's downloads, data, pids and logs; undefined = `<repo>/.stack`. */
    dir: string | undefined;
    keep: boolean;
    ports: { [K in keyof typeof STACK_DEFAULT_PORTS]: number };
    kafkaHeap: string;
    registryJavaHome: string | undefined;
    /** JAVA_HOME: the machine's JDK; the stack uses it where it is new enough (Kafka 17+, the registry 21+). */
    javaHome: string | undefined;
    /** True when MONGODB_URL was given: the stack then uses that server and starts none. */
    externalMongo: boolean;
    /** Where the local PayPal sandbox POSTs its webhooks (e.g. the gateway's /webhooks/paypal); undefined = none. */
    paypalSandboxWebhookUrl: string | undefined;
  };
  kafka: { brokers: string[]; clientId: string };
  mongo: { url: string; database: string };
  redis: { url: string };
  registry: { url: string };
  stripe: {
    apiBase: string;
    secretKey: string;
    /** Signing secret of the Stripe webhook endpoint (the local default signs the test-mode webhooks we emit). */
    webhookSecret: string;
    /** For Stripe Elements in the storefront (undefined: the storefront offers only the test-mode payment). */
    publishableKey: string | undefined;
  };
  /** PayPal REST (Orders v2, webhook verification); the default base is the local sandbox of the stack. */
  paypal: { apiBase: string; clientId: string; clientSecret: string; webhookId: string };
  gateway: {
    port: number;
    host: string;
    /** The built storefront to serve at `/` (SPA fallback), or undefined to serve only the API. */
    staticDir: string | undefined;
    /** Origins allowed by CORS; default: the Vite dev server's outside production, none in production. */
    corsOrigins: string[];
    /**
     * How many reverse proxies in front of the gateway append to X-Forwarded-For: the client address (rate-limit key,
     * logs) is taken that many hops from the right. 0 trusts none: the socket's peer is the client.
     */
    trustedProxyHops: number;
    /** How long a command waits for its reply before the gateway answers 202 pending. */
    commandTimeoutMs: number;
    bodyLimitBytes: number;
    /** Requests per minute per client: everything, commands (POST/PUT/DELETE under /api), dev logins. */
    rateLimit: { perMinute: number; commandsPerMinute: number; loginsPerMinute: number };
    /** Open order event streams (SSE) allowed per signed-in user and per gateway process; more → 429. */
    sse: { maxPerUser: number; maxTotal: number };
  };
  /** Clerk: session tokens (networkless with jwtKey, else JWKS via secretKey), and the user webhooks. */
  clerk: {
    jwtKey: string | undefined;
    secretKey: string | undefined;
    publishableKey: string | undefined;
    webhookSecret: string | undefined;
    /** Origins allowed in a session token's `azp` (undefined: not checked). */
    authorizedParties: string[] | undefined;
  };
  orders: {
    /** How long an order may wait for its payment once every line is reserved (the decider's payment deadline). */
    paymentTimeoutMs: number;
    /** How long stock stays reserved for an order line unless committed (the saga's ReserveStock.expiresAt). */
    reservationTtlMs: number;
    /** Most units of one SKU a single order may hold (lines of the same SKU count together): no one-account hoarding. */
    maxUnitsPerSku: number;
    /** Most orders a customer may have placed and not yet paid (or cancelled) at once. */
    maxOpenUnpaidPerCustomer: number;
  };
  /** How often the services' deadline schedulers look for payment deadlines and reservations that are due. */
  timers: { intervalMs: number };
  /** The shop as shoppers see it: its name, its public address (links in e-mails), the default locale. */
  shop: { name: string; publicUrl: string; locale: string };
  notifications: {
    /** SMTP server the sender delivers through; default: the local stack's Mailpit (refused outside dev mode). */
    smtpUrl: string;
    /** The From header. */
    from: string;
    /** Who receives the low-stock alerts. */
    adminEmails: string[];
    /** Transient SMTP answers (4xx) are retried this many times with exponential backoff from baseMs, then recorded. */
    retry: { maxAttempts: number; baseMs: number };
    /**
     * Events that occurred before this instant (epoch ms) owe no message: the reactor reads its topics from the
     * beginning, so a shop adding the service sets it to the deployment time and past customers get no e-mail.
     */
    notBefore: number | undefined;
  };
  invoicing: {
    seller: { name: string; addressLines: string[]; vatId: string | undefined };
    /** Prices include VAT at this rate (basis points: 2000 = 20%) unless their category has its own. */
    vatRateBasisPoints: number;
    vatRatesByCategory: Record<string, number>;
  };
}

export class ConfigError extends Error {
  constructor(
    readonly problems: { variable: string; message: string; value: string | undefined }[],
    message = `Invalid configuration:\n${problems
      .map((p) => `  ${p.variable}=${JSON.stringify(p.value ?? '')}: ${p.message}`)
      .join('\n')}\nFix the variable(s) above or unset them to use the defaults.`,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /**
   * Dev mode when STREAMSHOP_DEV_MODE is not set. Only the local platform (`streamshop up`) and the test stack ask for
   * it; an explicit STREAMSHOP_DEV_MODE=0 still wins.
   */
  devModeUnlessSet?: boolean;
}

/** Dev mode's own refusals: production, and a listener other machines can reach. */
function devModeProblems(env: Record<string, string | undefined>, e: z.infer<typeof EnvSchema>) {
  const problems: ConfigError['problems'] = [];
  if (e.STREAMSHOP_ENV === 'production') {
    problems.push({
      variable: 'STREAMSHOP_DEV_MODE',
      value: env.STREAMSHOP_DEV_MODE ?? '1',
      message:
        'dev mode (dev sign-in as any user, test-mode payments) is refused with STREAMSHOP_ENV=production; unset STREAMSHOP_DEV_MODE',
    });
  }
  if (!isLoopbackHost(e.GATEWAY_HOST)) {
    problems.push({
      variable: 'GATEWAY_HOST',
      value: e.GATEWAY_HOST,
      message:
        'dev mode listens on loopback only (127.0.0.1, ::1 or localhost), since anyone who reaches it can sign in as an admin; set GATEWAY_HOST=127.0.0.1, or unset STREAMSHOP_DEV_MODE and configure real secrets',
    });
  }
  return problems;
}

/** Reads and validates the configuration; throws ConfigError naming every bad variable. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  options: LoadConfigOptions = {},
): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '?');
        return { variable, message: issue.message, value: env[variable] };
      }),
    );
  }
  const e = parsed.data;
  const devMode = e.STREAMSHOP_DEV_MODE ?? options.devModeUnlessSet ?? false;
  if (devMode) {
    const problems = devModeProblems(env, e);
    if (problems.length > 0) throw new ConfigError(problems);
  }
  const ports = {
    kafka: e.STREAMSHOP_KAFKA_PORT,
    kafkaController: e.STREAMSHOP_KAFKA_CONTROLLER_PORT,
    mongodb: e.STREAMSHOP_MONGO_PORT,
    redis: e.STREAMSHOP_REDIS_PORT,
    registry: e.STREAMSHOP_REGISTRY_PORT,
    stripeMock: e.STREAMSHOP_STRIPE_MOCK_PORT,
    paypalSandbox: e.STREAMSHOP_PAYPAL_SANDBOX_PORT,
    mailpitSmtp: e.STREAMSHOP_MAILPIT_SMTP_PORT,
    mailpitHttp: e.STREAMSHOP_MAILPIT_HTTP_PORT,
  };
  return {
    env: e.STREAMSHOP_ENV,
    devMode,
    logLevel: e.STREAMSHOP_LOG_LEVEL,
    stack: {
      mode: e.STREAMSHOP_STACK,
      dir: e.STREAMSHOP_STACK_DIR,
      keep: e.STREAMSHOP_KEEP_STACK,
      ports,
      kafkaHeap: e.STREAMSHOP_KAFKA_HEAP,
      registryJavaHome: e.STREAMSHOP_REGISTRY_JAVA_HOME,
      javaHome: e.JAVA_HOME || undefined,
      externalMongo: e.MONGODB_URL !== undefined,
      paypalSandboxWebhookUrl: e.PAYPAL_SANDBOX_WEBHOOK_URL,
    },
    kafka: { brokers: e.KAFKA_BROKERS ?? [`127.0.0.1:${ports.kafka}`], clientId: e.KAFKA_CLIENT_ID },
    mongo: {
      // The docker stack's mongo:7 is a one-node replica set that knows itself as 127.0.0.1:27017 inside its
      // container; connect directly so the driver does not chase that address from the host.
      url:
        e.MONGODB_URL ??
        (e.STREAMSHOP_STACK === 'docker'
          ? `mongodb://127.0.0.1:${ports.mongodb}/?directConnection=true`
          : `mongodb://127.0.0.1:${ports.mongodb}/`),
      database: e.MONGODB_DATABASE,
    },
    redis: { url: e.REDIS_URL ?? `redis://127.0.0.1:${ports.redis}` },
    registry: {
      // Apicurio (native stack) serves the Confluent API under /apis/ccompat/v7; Confluent's own server (docker) at /.
      url:
        e.SCHEMA_REGISTRY_URL ??
        (e.STREAMSHOP_STACK === 'docker'
          ? `http://127.0.0.1:${ports.registry}`
          : `http://127.0.0.1:${ports.registry}/apis/ccompat/v7`),
    },
    stripe: {
      apiBase: e.STRIPE_API_BASE ?? `http://127.0.0.1:${ports.stripeMock}`,
      secretKey: e.STRIPE_SECRET_KEY,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET,
      publishableKey: e.STRIPE_PUBLISHABLE_KEY,
    },
    paypal: {
      apiBase: e.PAYPAL_API_BASE ?? `http://127.0.0.1:${ports.paypalSandbox}`,
      clientId: e.PAYPAL_CLIENT_ID,
      clientSecret: e.PAYPAL_CLIENT_SECRET,
      webhookId: e.PAYPAL_WEBHOOK_ID,
    },
    gateway: {
      port: e.GATEWAY_PORT,
      host: e.GATEWAY_HOST,
      staticDir: e.GATEWAY_STATIC_DIR,
      trustedProxyHops: e.GATEWAY_TRUSTED_PROXY_HOPS,
      corsOrigins:
        e.GATEWAY_CORS_ORIGINS ??
        (e.STREAMSHOP_ENV === 'production' ? [] : ['http://localhost:5173', 'http://127.0.0.1:5173']),
      commandTimeoutMs: e.GATEWAY_COMMAND_TIMEOUT_MS,
      bodyLimitBytes: e.GATEWAY_BODY_LIMIT_BYTES,
      rateLimit: {
        perMinute: e.GATEWAY_RATE_LIMIT_PER_MINUTE,
        commandsPerMinute: e.GATEWAY_COMMAND_RATE_LIMIT_PER_MINUTE,
        loginsPerMinute: e.GATEWAY_LOGIN_RATE_LIMIT_PER_MINUTE,
      },
      sse: { maxPerUser: e.GATEWAY_SSE_MAX_PER_USER, maxTotal: e.GATEWAY_SSE_MAX_TOTAL },
    },
    clerk: {
      jwtKey: e.CLERK_JWT_KEY?.replace(/\\n/g, '\n'),
      secretKey: e.CLERK_SECRET_KEY,
      publishableKey: e.CLERK_PUBLISHABLE_KEY,
      webhookSecret: e.CLERK_WEBHOOK_SECRET,
      authorizedParties: e.CLERK_AUTHORIZED_PARTIES,
    },
    orders: {
      paymentTimeoutMs: e.ORDER_PAYMENT_TIMEOUT_MS,
      reservationTtlMs: e.ORDER_RESERVATION_TTL_MS,
      maxUnitsPerSku: e.ORDER_MAX_UNITS_PER_SKU,
      maxOpenUnpaidPerCustomer: e.ORDER_MAX_OPEN_UNPAID_PER_CUSTOMER,
    },
    timers: { intervalMs: e.TIMER_INTERVAL_MS },
    shop: {
      name: e.SHOP_NAME,
      publicUrl: (e.SHOP_PUBLIC_URL ?? `http://localhost:${e.GATEWAY_PORT}`).replace(/\/+$/, ''),
      locale: e.SHOP_LOCALE,
    },
    notifications: {
      smtpUrl: e.SMTP_URL ?? `smtp://127.0.0.1:${ports.mailpitSmtp}`,
      from: e.NOTIFY_FROM,
      adminEmails: e.NOTIFY_ADMIN_EMAILS,
      retry: { maxAttempts: e.NOTIFY_SMTP_MAX_ATTEMPTS, baseMs: e.NOTIFY_SMTP_RETRY_BASE_MS },
      notBefore: e.NOTIFY_NOT_BEFORE,
    },
    invoicing: {
      seller: {
        name: e.INVOICE_SELLER_NAME ?? e.SHOP_NAME,
        addressLines: e.INVOICE_SELLER_ADDRESS.split(',')
          .map((l) => l.trim())
          .filter(Boolean),
        vatId: e.INVOICE_SELLER_VAT_ID,
      },
      vatRateBasisPoints: e.INVOICE_VAT_RATE_BASIS_POINTS,
      vatRatesByCategory: e.INVOICE_VAT_RATES_BY_CATEGORY,
    },
  };
}

export { productionSecretProblems, requireProductionSecrets, type SecretHolder } from './production-secrets.ts';
