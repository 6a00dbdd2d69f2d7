/**
 * The notification service in a process of its own, for delivery-crash.int.test.ts. argv: the test's topic prefix,
 * the SMTP URL, and N: with N > 0 the process SIGKILLs itself right after the SMTP server accepted its N-th message,
 * before the sender records it — the instant the delivery guarantee is about. Prints `ready` once started.
 */
import { fastConsumer, testConfig } from '@streamshop/testkit';
import { pino } from 'pino';
import { type MailTransport, smtpTransport } from '../src/adapters/smtp-sender.ts';
import { startNotificationService } from '../src/main.ts';
import { withSmtp } from './delivery.fixture.ts';

const [prefix = '', smtpUrl = '', crashAfter = '0'] = process.argv.slice(2);
const smtp = smtpTransport(smtpUrl);
let accepted = 0;
const transport: MailTransport = {
  async sendMail(mail) {
    const info = await smtp.sendMail(mail);
    accepted++;
    if (Number(crashAfter) > 0 && accepted >= Number(crashAfter)) process.kill(process.pid, 'SIGKILL');
    return info;
  },
  close: () => smtp.close(),
};
const service = startNotificationService(
  withSmtp(testConfig(), smtpUrl),
  { prefix, logger: pino({ level: 'warn' }), consumer: fastConsumer, fencedBackoffMs: 2_000 },
  { transport },
);
await service.start();
process.stdout.write('ready\n');
