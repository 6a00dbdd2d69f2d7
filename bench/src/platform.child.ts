/**
 * The platform for `bench:latency`, in a process of its own: `startPlatform` (what `streamshop up` runs) under the
 * topic prefix given as the first argument, configured from the environment the bench passes (its session-token
 * key and raised limits). Talks to the bench over IPC: sends the gateway's URL once up; answers `phase-start` with
 * `started` and `phase-end` with what the phase cost this process; `stop` stops the platform and exits.
 */
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startPlatform } from '@streamshop/cli/platform';
import { loadConfig } from '@streamshop/config';
import { pino } from 'pino';

/**
 * What the phase cost this process (the whole platform): its CPU (all threads, % of one core), how late its
 * event loop ran timers (p50/p99: every Kafka, Mongo and Redis answer waits that long before it is handled), and the
 * machine's load average. A late event loop with the CPU below 100% means the process waited for a core.
 */
function processLoad(): { end(): string } {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const cpu = process.cpuUsage();
  const start = performance.now();
  return {
    end() {
      delay.disable();
      const used = process.cpuUsage(cpu);
      const busy = ((used.user + used.system) / 1000 / (performance.now() - start)) * 100;
      // The histogram holds the whole interval between checks; lateness is what exceeds the 10 ms resolution.
      const ms = (ns: number) => Math.max(0, ns / 1e6 - 10).toFixed(0);
      return (
        `platform process: CPU ${busy.toFixed(0)}% of a core, event loop late p50 ${ms(delay.percentile(50))} ms ` +
        `p99 ${ms(delay.percentile(99))} ms (10 ms resolution); load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores`
      );
    },
  };
}

const prefix = process.argv[2];
if (!prefix || !process.send) {
  console.error('bench/src/platform.child.ts is started by bench:latency (with a topic prefix and an IPC channel)');
  process.exit(2);
}
const send = (message: string) => process.send?.(message);
const config = loadConfig(process.env, { devModeUnlessSet: true });
const platform = await startPlatform(config, {
  prefix,
  port: 0,
  storefront: 'skip',
  logger: pino({ level: process.env.BENCH_PLATFORM_LOG_LEVEL ?? 'error' }),
  say: (line) => process.stderr.write(`${line}\n`),
});
let phase: ReturnType<typeof processLoad> | undefined;
process.on('message', (message) => {
  if (message === 'phase-start') {
    phase = processLoad();
    send('started');
  } else if (message === 'phase-end') {
    send(phase?.end() ?? 'no phase was started');
    phase = undefined;
  } else if (message === 'stop') {
    platform.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  }
});
// The bench gone (killed, crashed) means nobody will say stop.
process.on('disconnect', () => void platform.stop().finally(() => process.exit(0)));
send(platform.url);
