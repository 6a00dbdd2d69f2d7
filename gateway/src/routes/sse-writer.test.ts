import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSseWriter } from './sse-writer.ts';

type Doc = { version: number };

/** A real Node Writable with a small buffer whose reader is paused until `resume()`: a client that stopped reading. */
function slowClient(highWaterMark = 64) {
  const received: string[] = [];
  let release: (() => void) | undefined;
  let paused = true;
  const sink = new Writable({
    highWaterMark,
    decodeStrings: false,
    write(chunk: string, _enc, done) {
      received.push(chunk);
      if (paused) release = done;
      else done();
    },
  });
  return {
    sink,
    received,
    resume() {
      paused = false;
      release?.();
      release = undefined;
    },
  };
}

const frame = (d: Doc) => `v${d.version}:${'x'.repeat(100)}\n`;
const versions = (chunks: string[]) => chunks.map((c) => Number(/^v(\d+):/.exec(c)?.[1])).filter((v) => v >= 0);

afterEach(() => {
  vi.useRealTimers();
});

describe('an SSE writer on a socket that stops accepting', () => {
  it('queues nothing past a full buffer and sends only the newest document once it drains', async () => {
    const client = slowClient();
    const out = createSseWriter<Doc>(client.sink, { frame, drainTimeoutMs: 60_000, onStalled: () => {} });
    out.send({ version: 1 }); // over the 64-byte mark: the socket is now full
    expect(out.stalled).toBe(true);
    for (let v = 2; v <= 50; v++) out.send({ version: v });
    out.write(': ping\n\n');
    // Node's buffer holds the one frame written before the stall, nothing of the 49 sends or the ping.
    expect(client.sink.writableLength).toBe(frame({ version: 1 }).length);

    client.resume();
    await vi.waitFor(() => expect(versions(client.received)).toEqual([1, 50]));
    expect(out.stalled).toBe(false);
    expect(out.lastVersion).toBe(50);
    out.close();
  });

  it('never sends a version older than or equal to the last one sent', async () => {
    const client = slowClient(1 << 20);
    client.resume();
    const out = createSseWriter<Doc>(client.sink, { frame, drainTimeoutMs: 60_000, onStalled: () => {} });
    for (const v of [3, 1, 3, 5, 4]) out.send({ version: v });
    await vi.waitFor(() => expect(versions(client.received)).toEqual([3, 5]));
    out.close();
  });

  it('gives up on a client that does not drain in time, and on nobody who does', () => {
    vi.useFakeTimers();
    const stuck = slowClient();
    const onStalled = vi.fn();
    const out = createSseWriter<Doc>(stuck.sink, { frame, drainTimeoutMs: 30_000, onStalled });
    out.send({ version: 1 });
    vi.advanceTimersByTime(29_999);
    expect(onStalled).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onStalled).toHaveBeenCalledTimes(1);

    const closedEarly = createSseWriter<Doc>(slowClient().sink, { frame, drainTimeoutMs: 30_000, onStalled });
    closedEarly.send({ version: 1 });
    closedEarly.close();
    vi.advanceTimersByTime(60_000);
    expect(onStalled).toHaveBeenCalledTimes(1);
    out.close();
  });
});
