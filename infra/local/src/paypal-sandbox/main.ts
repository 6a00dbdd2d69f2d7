/**
 * The PayPal sandbox as a process of the local stack (`streamshop stack up` starts it detached, see
 * components/paypal-sandbox.ts): credentials and webhook id from the same configuration the services read, so
 * the payment providers authenticate and verify against it without any extra setting.
 */
import { loadConfig } from '@streamshop/config';
import { createPayPalSandbox } from './server.ts';

const config = loadConfig();
const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
const sandbox = createPayPalSandbox({
  clientId: config.paypal.clientId,
  clientSecret: config.paypal.clientSecret,
  webhookId: config.paypal.webhookId,
  webhookUrl: config.stack.paypalSandboxWebhookUrl,
  log,
});
const url = await sandbox.listen(config.stack.ports.paypalSandbox, '127.0.0.1');
log(`paypal-sandbox listening on ${url}; webhooks to ${config.stack.paypalSandboxWebhookUrl ?? '(none)'}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
