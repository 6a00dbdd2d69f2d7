/**
 * Starting and stopping the stack's server processes. Each server runs detached in its own process group with
 * its output in `.stack/logs/<component>.log`; its pid goes in `.stack/run/<component>.pid` together with a
 * marker (a string its command line must contain), so that `down` never signals a pid the system has since
 * given to an unrelated process.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PidRecord {
  pid: number;
  marker: string;
  startedAt: string;
}

export function readPid(runDir: string, name: string): PidRecord | undefined {
  const file = join(runDir, `${name}.pid`);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

/** True while the pid exists (a child we spawned is reaped by Node, so a dead one does not linger as a zombie). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when the pid is alive and its command line still contains the marker we recorded. */
export function isOurs(rec: PidRecord | undefined): rec is PidRecord {
  if (!rec) return false;
  try {
    process.kill(rec.pid, 0);
  } catch {
    return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${rec.pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    // Every space-separated word of the marker must appear (a server may rewrite its title, e.g. redis-server).
    return rec.marker.split(' ').every((word) => cmdline.includes(word));
  } catch {
    // No /proc (not Linux): trust the pid.
    return true;
  }
}

export interface StartSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
  /** A string the command line contains, used to recognise the process later. */
  marker: string;
  runDir: string;
  logDir: string;
}

export function startDetached(spec: StartSpec): PidRecord {
  mkdirSync(spec.runDir, { recursive: true });
  mkdirSync(spec.logDir, { recursive: true });
  const logFile = join(spec.logDir, `${spec.name}.log`);
  const fd = openSync(logFile, 'a');
  writeFileSync(fd, `\n=== ${new Date().toISOString()} starting: ${spec.command} ${spec.args.join(' ')}\n`);
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`${spec.name}: could not start ${spec.command}`);
  child.unref();
  const rec: PidRecord = { pid: child.pid, marker: spec.marker, startedAt: new Date().toISOString() };
  writeFileSync(join(spec.runDir, `${spec.name}.pid`), `${JSON.stringify(rec)}\n`);
  return rec;
}

/** SIGTERM the process group, wait for it to go, SIGKILL after the grace period. Returns how it ended. */
export async function stopProcess(
  runDir: string,
  name: string,
  graceMs = 30_000,
): Promise<'stopped' | 'killed' | 'not-running'> {
  const rec = readPid(runDir, name);
  const file = join(runDir, `${name}.pid`);
  if (!isOurs(rec)) {
    rmSync(file, { force: true });
    return 'not-running';
  }
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-rec.pid, sig);
    } catch {
      try {
        process.kill(rec.pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isOurs(rec)) {
      rmSync(file, { force: true });
      return 'stopped';
    }
    await sleep(200);
  }
  signal('SIGKILL');
  while (isOurs(rec)) await sleep(100);
  rmSync(file, { force: true });
  return 'killed';
}
