/**
 * What a PDF says and looks like, for tests of invoices: its text through poppler's `pdftotext` and its first page
 * as a PNG through `pdftoppm` (Debian's poppler-utils, installed by the testkit's global setup). Reading the text
 * with an independent PDF reader checks what a person would read, not what our renderer meant to write.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Runs `tool` with `input` on stdin; resolves its stdout, rejects with its stderr when it fails. */
function pipeThrough(tool: string, args: string[], input: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e) =>
      reject(
        new Error(`${tool} could not be run (${e.message}): install poppler-utils (apt-get install poppler-utils)`),
      ),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`${tool} ${args.join(' ')} exited with ${code}: ${Buffer.concat(err).toString().trim()}`));
    });
    // A tool that rejects the input early closes its stdin; its exit code says why, not the broken pipe.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** The PDF's text, laid out as on the page (`pdftotext -layout`): lines stay lines, columns stay apart. */
export async function pdfText(pdf: Uint8Array): Promise<string> {
  return (await pipeThrough('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], pdf)).toString('utf8');
}

/** Renders the PDF's first page to `pngPath` (96 dpi, as a screen shows it) and returns the path. */
export async function pdfFirstPagePng(pdf: Uint8Array, pngPath: string): Promise<string> {
  mkdirSync(dirname(pngPath), { recursive: true });
  // No output root: with -singlefile, pdftoppm writes the one page's PNG to stdout.
  const png = await pipeThrough('pdftoppm', ['-png', '-r', '96', '-f', '1', '-l', '1', '-singlefile', '-'], pdf);
  await writeFile(pngPath, png);
  return pngPath;
}
