/**
 * Opens a file or stdin as content: gzip recognised by its magic bytes, the first bytes
 * available up front (for the fingerprint and format detection), and the rest from any
 * offset (for incremental reads).
 */
import { createReadStream, openSync, readSync, closeSync, fstatSync, type Stats } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AuthlogError } from '../errors.js';

export const HEAD_BYTES = 64 * 1024;

export interface OpenedInput {
  /** The path as given, or `-` for stdin. */
  name: string;
  compressed: boolean;
  stat: Stats | null;
  /** The first bytes of the (decompressed) content. */
  head: Buffer;
  /** The content from `offset` on. For stdin this can be called once. */
  contentFrom(offset: number): Readable;
}

function isGzip(b: Buffer): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** Drops the first `n` bytes of a stream. */
function skipBytes(n: number): Transform {
  let left = n;
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      if (left >= chunk.length) {
        left -= chunk.length;
        return cb();
      }
      const rest = left > 0 ? chunk.subarray(left) : chunk;
      left = 0;
      cb(null, rest);
    },
  });
}

/**
 * Collects the first `n` bytes of a stream and gives back a stream that replays them
 * followed by the rest. With `eager`, stops at the first chunk holding a whole line, so a
 * slow live pipe is not kept waiting for 64 KiB.
 */
export async function takeHead(stream: Readable, n: number, eager = false): Promise<{ head: Buffer; rest: Readable }> {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < n) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    chunks.push(chunk);
    size += chunk.length;
    if (eager && chunk.includes(10)) break;
  }
  const head = Buffer.concat(chunks);
  async function* replay() {
    if (head.length > 0) yield head;
    if (done) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head: head.subarray(0, Math.min(head.length, n)), rest: Readable.from(replay(), { objectMode: false }) };
}

function readPlainHead(fd: number, n: number): Buffer {
  const buf = Buffer.alloc(n);
  let total = 0;
  for (;;) {
    const got = readSync(fd, buf, total, n - total, total);
    if (got === 0) break;
    total += got;
    if (total === n) break;
  }
  return buf.subarray(0, total);
}

export async function openFile(path: string): Promise<OpenedInput> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new AuthlogError('unreadable_input', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let stat: Stats;
  let head: Buffer;
  try {
    stat = fstatSync(fd);
    if (stat.isDirectory()) throw new AuthlogError('unreadable_input', `${path} is a directory`);
    head = readPlainHead(fd, HEAD_BYTES);
  } finally {
    closeSync(fd);
  }
  if (!isGzip(head)) {
    return { name: path, compressed: false, stat, head, contentFrom: (offset) => createReadStream(path, { start: offset, highWaterMark: 256 * 1024 }) };
  }
  const gunzipped = () => createReadStream(path, { highWaterMark: 256 * 1024 }).pipe(createGunzip());
  const first = await takeHead(gunzipped(), HEAD_BYTES);
  first.rest.destroy();
  return {
    name: path,
    compressed: true,
    stat,
    head: first.head,
    contentFrom: (offset) => (offset > 0 ? gunzipped().pipe(skipBytes(offset)) : gunzipped()),
  };
}

export async function openStream(name: string, stream: Readable, eager = false): Promise<OpenedInput> {
  let { head, rest } = await takeHead(stream, HEAD_BYTES, eager);
  let compressed = false;
  if (isGzip(head)) {
    compressed = true;
    ({ head, rest } = await takeHead(rest.pipe(createGunzip()), HEAD_BYTES, eager));
  }
  let used = false;
  return {
    name,
    compressed,
    stat: null,
    head,
    contentFrom(offset) {
      if (used) throw new Error('a stream can be read once');
      used = true;
      return offset > 0 ? rest.pipe(skipBytes(offset)) : rest;
    },
  };
}
