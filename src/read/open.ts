/**
 * Opens a file or stdin as content: gzip recognised by its magic bytes, the first bytes
 * available up front (for the fingerprint and format detection), and the rest from any
 * offset (for incremental reads).
 */
import { createReadStream, openSync, readSync, closeSync, fstatSync, type Stats } from 'node:fs';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AuthlogError } from '../errors.js';

export const HEAD_BYTES = 64 * 1024;

/** What was wrong with a compressed input, found while reading it. */
export interface Damage {
  reason: 'truncated_gzip' | 'corrupt_gzip';
  detail: string;
}

export interface OpenedInput {
  /** The path as given, or `-` for stdin. */
  name: string;
  compressed: boolean;
  /** A regular file's stat; null for stdin, a FIFO or a device (read once, as a stream). */
  stat: Stats | null;
  /** Set when the gzip data ended early or was damaged (the content read so far is kept). */
  damage: Damage | null;
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

/**
 * gunzip that keeps what decompressed: a truncated or damaged archive ends the stream where
 * the damage is (and says so through `onDamage`) instead of failing the whole run.
 */
function tolerantGunzip(source: Readable, onDamage: (d: Damage) => void): Readable {
  const gunzip = createGunzip();
  const out = new PassThrough();
  source.on('error', (e) => out.destroy(e));
  gunzip.on('error', (e: NodeJS.ErrnoException) => {
    const truncated = e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message);
    onDamage({ reason: truncated ? 'truncated_gzip' : 'corrupt_gzip', detail: e.message });
    source.unpipe(gunzip);
    source.destroy();
    out.end();
  });
  source.pipe(gunzip).pipe(out);
  return out;
}

export async function openFile(path: string): Promise<OpenedInput> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied (run with sudo, or add your user to the adm group)' : code === 'ENOENT' ? 'no such file or directory' : code ?? (e as Error).message;
    throw new AuthlogError('unreadable_input', `cannot read ${path}: ${why}`);
  }
  let stat: Stats;
  let head: Buffer;
  try {
    stat = fstatSync(fd);
    if (stat.isDirectory()) throw new AuthlogError('unreadable_input', `${path} is a directory`);
    // A FIFO, <(...) or a character device cannot be read at an offset: it is a stream, like stdin.
    if (!stat.isFile()) {
      const stream = createReadStream(path, { fd, highWaterMark: 256 * 1024 });
      return await openStream(path, stream);
    }
    head = readPlainHead(fd, HEAD_BYTES);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  closeSync(fd);
  if (!isGzip(head)) {
    return { name: path, compressed: false, stat, head, damage: null, contentFrom: (offset) => createReadStream(path, { start: offset, highWaterMark: 256 * 1024 }) };
  }
  const input: OpenedInput = {
    name: path,
    compressed: true,
    stat,
    head: Buffer.alloc(0),
    damage: null,
    contentFrom: (offset) => {
      const content = tolerantGunzip(createReadStream(path, { highWaterMark: 256 * 1024 }), (d) => (input.damage = d));
      return offset > 0 ? content.pipe(skipBytes(offset)) : content;
    },
  };
  const first = await takeHead(tolerantGunzip(createReadStream(path, { highWaterMark: 256 * 1024 }), () => {}), HEAD_BYTES);
  first.rest.destroy();
  input.head = first.head;
  return input;
}

export async function openStream(name: string, stream: Readable, eager = false): Promise<OpenedInput> {
  let { head, rest } = await takeHead(stream, HEAD_BYTES, eager);
  let compressed = false;
  const input = { damage: null as Damage | null };
  if (isGzip(head)) {
    compressed = true;
    ({ head, rest } = await takeHead(tolerantGunzip(rest, (d) => (input.damage = d)), HEAD_BYTES, eager));
  }
  let used = false;
  return {
    name,
    compressed,
    stat: null,
    head,
    get damage() {
      return input.damage;
    },
    contentFrom(offset) {
      if (used) throw new Error('a stream can be read once');
      used = true;
      return offset > 0 ? rest.pipe(skipBytes(offset)) : rest;
    },
  };
}
