/**
 * Back-pressure for one Server-Sent Events stream of a versioned document (an order): frames go to the socket only
 * while it accepts them. Once `write` answers false nothing more is queued in Node's buffer; the newest document
 * waits (each frame carries the whole document, so the versions in between need not be sent) and goes out on
 * 'drain'. A client that does not drain within `drainTimeoutMs` is given up on (`onStalled`), so a reader that
 * stopped reading holds at most one buffer's worth of memory, and only for that long.
 */

/** What the writer needs of the socket: Node's http.ServerResponse, or any Writable. */
export interface SseSink {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

export interface SseWriter<D extends { version: number }> {
  /** Writes a frame now, unless the socket is full (then it is dropped: pings and the like). */
  write(chunk: string): void;
  /** Sends the document if newer than the last sent; while the socket is full, keeps only the newest. */
  send(doc: D): void;
  /** True while the socket's buffer is full. */
  readonly stalled: boolean;
  /** The version of the last document written (-1 before the first). */
  readonly lastVersion: number;
  /** Stops the stall timer; nothing is written after this. */
  close(): void;
}

export function createSseWriter<D extends { version: number }>(
  sink: SseSink,
  options: { frame: (doc: D) => string; drainTimeoutMs: number; onStalled: () => void },
): SseWriter<D> {
  let lastVersion = -1;
  let closed = false;
  /** Set while the socket buffer is full: the timer that gives up on the client if it does not drain. */
  let stallTimer: ReturnType<typeof setTimeout> | undefined;
  /** The newest document not written because the socket was full; written on 'drain'. */
  let pending: D | undefined;

  const write = (chunk: string) => {
    if (closed || stallTimer) return;
    if (sink.write(chunk)) return;
    stallTimer = setTimeout(() => {
      if (!closed) options.onStalled();
    }, options.drainTimeoutMs);
    sink.once('drain', () => {
      clearTimeout(stallTimer);
      stallTimer = undefined;
      const latest = pending;
      pending = undefined;
      if (latest) send(latest);
    });
  };
  const send = (doc: D) => {
    if (closed || doc.version <= lastVersion) return;
    if (stallTimer) {
      if (!pending || doc.version > pending.version) pending = doc;
      return;
    }
    lastVersion = doc.version;
    write(options.frame(doc));
  };
  return {
    write,
    send,
    get stalled() {
      return stallTimer !== undefined;
    },
    get lastVersion() {
      return lastVersion;
    },
    close() {
      closed = true;
      clearTimeout(stallTimer);
      pending = undefined;
    },
  };
}
