import { describe, expect, it } from 'vitest';
import { type Runnable, runUntilSignal } from './shutdown.ts';

function recorder(log: string[], name: string, startGate?: Promise<void>): Runnable {
  return {
    async start() {
      log.push(`start ${name}`);
      await startGate;
      log.push(`started ${name}`);
    },
    async stop() {
      log.push(`stop ${name}`);
    },
  };
}

const signal = 'SIGUSR2' as NodeJS.Signals;

describe('runUntilSignal', () => {
  it('stops the runnables in reverse order on a signal, then exits 0', async () => {
    const log: string[] = [];
    let code: number | undefined;
    const running = runUntilSignal([recorder(log, 'a'), recorder(log, 'b')], {
      signals: [signal],
      exit: (c) => (code = c),
    });
    await new Promise((r) => setTimeout(r, 10));
    process.emit(signal, signal);
    await running;
    expect(log).toEqual(['start a', 'started a', 'start b', 'started b', 'stop b', 'stop a']);
    expect(code).toBe(0);
    expect(process.listenerCount(signal)).toBe(0);
  });

  it('a signal during a slow start stops what started and starts nothing more', async () => {
    const log: string[] = [];
    let code: number | undefined;
    let open: () => void = () => {};
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const running = runUntilSignal([recorder(log, 'a', gate), recorder(log, 'b')], {
      signals: [signal],
      exit: (c) => (code = c),
    });
    await new Promise((r) => setTimeout(r, 10));
    process.emit(signal, signal);
    open();
    await running;
    expect(log).toEqual(['start a', 'started a', 'stop a']);
    expect(code).toBe(0);
  });

  it('a second signal exits at once with 1', async () => {
    const codes: number[] = [];
    const slowStop: Runnable = { start: async () => {}, stop: () => new Promise((r) => setTimeout(r, 50)) };
    const running = runUntilSignal([slowStop], { signals: [signal], exit: (c) => codes.push(c) });
    await new Promise((r) => setTimeout(r, 10));
    process.emit(signal, signal);
    process.emit(signal, signal);
    await running;
    expect(codes).toEqual([1, 0]);
  });
});
