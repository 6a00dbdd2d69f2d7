/**
 * The MongoDB-protocol server. In order of preference: the server at MONGODB_URL (we start nothing), a `mongod`
 * found on PATH, or FerretDB 1.x (MongoDB wire protocol over SQLite) built from its Go module under `.stack/`.
 *
 * FerretDB from the module proxy ships without its generated `build/version/version.txt`, and its version package
 * panics without it, so we build from a copy of the module source with that file written; this is the documented
 * way to build it outside its own repository. Before building we apply `infra/local/ferretdb/indexed-id.patch`,
 * without which every lookup by `_id` scans its collection (the patch says why); the binary's marker names the
 * patch's hash, so a changed patch rebuilds it. Our code sticks to what FerretDB v1 supports: no multi-document
 * transactions, no change streams (see docs/stack.md).
 */

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import type { Component, StackContext } from '../component.ts';
import { onPath, requireTool } from '../prerequisites.ts';
import { startDetached } from '../processes.ts';
import { run, step } from '../steps.ts';

export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
/** Our patch to FerretDB's SQLite backend: lookups by `_id` use its index (the file's preamble says why). */
export const FERRETDB_PATCH = 'infra/local/ferretdb/indexed-id.patch';

type Flavour = 'external' | 'mongod' | 'ferretdb';

function flavour(ctx: StackContext): Flavour {
  if (ctx.config.stack.externalMongo) return 'external';
  if (onPath('mongod')) return 'mongod';
  return 'ferretdb';
}

function chmodTreeWritable(dir: string): void {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    const st = statSync(p);
    chmodSync(p, st.mode | 0o200);
    if (st.isDirectory()) chmodTreeWritable(p);
  }
  chmodSync(dir, statSync(dir).mode | 0o200);
}

export const mongodb: Component = {
  name: 'mongodb',
  origin: `MONGODB_URL, else mongod on PATH, else FerretDB ${FERRETDB_VERSION} (SQLite backend) built from its Go module`,
  startTimeoutMs: 60_000,
  port: (ctx) =>
    ctx.config.stack.externalMongo
      ? Number(new URL(ctx.config.mongo.url).port || 27017)
      : ctx.config.stack.ports.mongodb,
  url: (ctx) => ctx.config.mongo.url,
  managed: (ctx) => !ctx.config.stack.externalMongo,

  async prepare(ctx) {
    if (flavour(ctx) !== 'ferretdb') return;
    const bin = join(ctx.paths.bin, 'ferretdb');
    const patch = join(ctx.paths.root, FERRETDB_PATCH);
    const patchHash = createHash('sha256').update(readFileSync(patch)).digest('hex').slice(0, 12);
    const marker = `${bin}.${FERRETDB_VERSION}+${patchHash}`;
    if (existsSync(bin) && existsSync(marker)) return;
    const go = requireTool('go', 'FerretDB (built from its Go module)');
    const logFile = join(ctx.paths.logs, 'mongodb-build.log');
    const src = join(ctx.paths.downloads, `ferretdb-${FERRETDB_VERSION}`);
    await step(ctx.say, 'mongodb', `Downloading FerretDB ${FERRETDB_VERSION} from the Go module proxy`, async () => {
      await run(go, ['mod', 'download', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
        cwd: ctx.paths.stack,
        logFile,
        env: { GOFLAGS: '-mod=mod' },
      });
      const dir = execFileSync(go, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], {
        cwd: ctx.paths.stack,
        encoding: 'utf8',
      });
      const moduleDir = (JSON.parse(dir) as { Dir: string }).Dir;
      rmSync(src, { recursive: true, force: true });
      cpSync(moduleDir, src, { recursive: true });
      chmodTreeWritable(src); // the module cache is read-only
      writeFileSync(join(src, 'build', 'version', 'version.txt'), FERRETDB_VERSION);
      // `git apply` works outside a repository like patch(1), and refuses (naming the hunk) if the source moved.
      const git = requireTool('git', "FerretDB's build (applying our patch)");
      await run(git, ['apply', '--verbose', patch], { cwd: src, logFile });
    });
    await step(
      ctx.say,
      'mongodb',
      `Building FerretDB ${FERRETDB_VERSION} (go build, about a minute cold)`,
      async () => {
        mkdirSync(ctx.paths.bin, { recursive: true });
        await run(go, ['build', '-trimpath', '-o', bin, './cmd/ferretdb'], { cwd: src, logFile });
      },
    );
    writeFileSync(marker, `${new Date().toISOString()}\n`);
    rmSync(src, { recursive: true, force: true });
  },

  async start(ctx) {
    const port = ctx.config.stack.ports.mongodb;
    if (flavour(ctx) === 'mongod') {
      const dbpath = join(ctx.paths.data, 'mongod');
      mkdirSync(dbpath, { recursive: true });
      return startDetached({
        name: 'mongodb',
        command: onPath('mongod')!,
        args: ['--dbpath', dbpath, '--port', String(port), '--bind_ip', '127.0.0.1'],
        cwd: dbpath,
        marker: dbpath,
        runDir: ctx.paths.run,
        logDir: ctx.paths.logs,
      }).pid;
    }
    const data = join(ctx.paths.data, 'ferretdb');
    mkdirSync(data, { recursive: true });
    return startDetached({
      name: 'mongodb',
      command: join(ctx.paths.bin, 'ferretdb'),
      args: [
        '--handler=sqlite',
        `--sqlite-url=file:${data}/`,
        `--listen-addr=127.0.0.1:${port}`,
        `--state-dir=${data}`,
        '--telemetry=disable',
        '--debug-addr=-',
        '--log-level=warn',
      ],
      cwd: data,
      marker: data,
      runDir: ctx.paths.run,
      logDir: ctx.paths.logs,
    }).pid;
  },

  async probe(ctx) {
    const client = new MongoClient(ctx.config.mongo.url, { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000 });
    try {
      await client.connect();
      const admin = client.db('admin');
      await admin.command({ ping: 1 });
      const info = (await admin.command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string };
      const version = info.ferretdbVersion
        ? `FerretDB ${info.ferretdbVersion} (MongoDB ${info.version})`
        : `MongoDB ${info.version}`;
      return { healthy: true, version };
    } finally {
      await client.close();
    }
  },
};
