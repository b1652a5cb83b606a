/**
 * Turns a byte stream into numbered lines. A byte-level guard in front of split2 cuts
 * over-long lines short (so a 1 GB line is never held whole) and marks them; split2 then
 * splits and decodes UTF-8, replacing invalid sequences with U+FFFD, which are counted.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import split2 from 'split2';

export const MAX_LINE_BYTES = 64 * 1024;
const OVERFLOW_MARK = '\u0000authlog-overflow:';

export interface LineStats {
  /** Bytes consumed from the (decompressed) stream. */
  bytes: number;
  lines: number;
  invalidUtf8: number;
}

export type LineHandler = (text: string, lineNo: number, overflowBytes: number) => void;

/** Passes bytes through, truncating each line to `maxBytes` and appending a length mark. */
class LineGuard extends Transform {
  private lineBytes = 0;
  bytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    let pos = 0;
    let cut = false;
    const out: Buffer[] = [];
    while (pos < chunk.length) {
      const nl = chunk.indexOf(10, pos);
      const end = nl < 0 ? chunk.length : nl;
      const room = this.maxBytes - this.lineBytes;
      const segment = end - pos;
      if (room >= segment) {
        out.push(chunk.subarray(pos, end));
      } else {
        if (room > 0) out.push(chunk.subarray(pos, pos + room));
        cut = true;
      }
      this.lineBytes += segment;
      if (nl >= 0) {
        if (this.lineBytes > this.maxBytes) out.push(Buffer.from(`${OVERFLOW_MARK}${this.lineBytes}`));
        out.push(NEWLINE);
        this.lineBytes = 0;
      }
      pos = nl < 0 ? chunk.length : nl + 1;
    }
    // The common case: nothing cut, pass the chunk on untouched.
    this.push(cut || out.length === 0 ? Buffer.concat(out) : chunk);
    cb();
  }

  override _flush(cb: TransformCallback): void {
    if (this.lineBytes > this.maxBytes) this.push(Buffer.from(`${OVERFLOW_MARK}${this.lineBytes}`));
    cb();
  }
}
const NEWLINE = Buffer.from('\n');

/**
 * Reads all lines of `input`, calling `onLine` synchronously for each (so the caller can
 * batch into SQLite without a promise per line). `firstLineNo` continues numbering when
 * resuming a file. Resolves when the stream ends.
 */
export function readLines(input: Readable, firstLineNo: number, onLine: LineHandler, maxBytes = MAX_LINE_BYTES): Promise<LineStats> {
  const guard = new LineGuard(maxBytes);
  const stats: LineStats = { bytes: 0, lines: 0, invalidUtf8: 0 };
  let lineNo = firstLineNo;
  let failed: Error | null = null;
  // split2's mapper handles each line in place and returns undefined, so no line is pushed
  // through a stream of its own: a per-line stream hop would cost more than the parsing.
  const handle = (raw: string): undefined => {
    if (failed) return undefined;
    lineNo++;
    stats.lines++;
    let text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    let overflow = 0;
    if (text.length >= maxBytes / 4) {
      const mark = text.lastIndexOf(OVERFLOW_MARK);
      if (mark >= 0) {
        overflow = Number(text.slice(mark + OVERFLOW_MARK.length));
        text = text.slice(0, mark);
      }
    }
    if (text.indexOf('\uFFFD') >= 0) stats.invalidUtf8++;
    try {
      onLine(text, lineNo, overflow);
    } catch (e) {
      failed = e as Error;
    }
    return undefined;
  };
  const lines = split2('\n', handle);
  return new Promise((resolve, reject) => {
    const fail = (e: Error) => {
      input.unpipe(guard);
      reject(e);
    };
    input.on('error', fail);
    guard.on('error', fail);
    lines.on('error', fail);
    lines.on('finish', () => {
      stats.bytes = guard.bytes;
      if (failed) reject(failed);
      else resolve(stats);
    });
    lines.resume();
    input.pipe(guard).pipe(lines);
  });
}
