/**
 * Turns a byte stream into numbered lines, two ways with the same rules (tests hold them to
 * it): `readLines`, a byte-level guard in front of split2 that cuts over-long lines short (so
 * a 1 GB line is never held whole) and marks them, split2 then splitting and decoding UTF-8
 * (invalid sequences replaced with U+FFFD and counted); and `readLineBuffers`, which cuts
 * lines inside each read buffer and decodes only those its sink's fast path declines.
 * `readInto` picks one.
 */
import { isAscii } from 'node:buffer';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import split2 from 'split2';

export const MAX_LINE_BYTES = 64 * 1024;
/** How often the readers report progress (lines read so far, bytes consumed). */
const PROGRESS_LINES = 20_000;
const OVERFLOW_MARK = '\u0000authlog-overflow:';

export interface LineStats {
  /** Bytes consumed from the (decompressed) stream: through the last line handed on. */
  bytes: number;
  lines: number;
  invalidUtf8: number;
  /** Bytes of a last line still waiting for its newline (with `holdPartial`): not consumed. */
  pendingBytes: number;
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
export function readLines(
  input: Readable,
  firstLineNo: number,
  onLine: LineHandler,
  maxBytes = MAX_LINE_BYTES,
  onProgress?: (lines: number, bytes: number) => void,
): Promise<LineStats> {
  const guard = new LineGuard(maxBytes);
  const stats: LineStats = { bytes: 0, lines: 0, invalidUtf8: 0, pendingBytes: 0 };
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
    if (onProgress && stats.lines % PROGRESS_LINES === 0) onProgress(stats.lines, guard.bytes);
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

/**
 * Where `readLineBuffers` hands each line. `endOffset` is the stream offset just after the
 * line's newline: once the line is handled, a position there never runs ahead of its rows.
 */
export interface LineSink {
  /**
   * Fast path, offered each line of an all-ASCII stretch (trailing CR removed, no other CR
   * in it) as bytes in the read buffer: true when it dealt with the line, false to have it
   * decoded and passed to `line`.
   */
  bytes?(buf: Buffer, start: number, end: number, lineNo: number, endOffset: number): boolean;
  line(text: string, lineNo: number, overflowBytes: number, endOffset: number): void;
}

export interface ReadIntoOptions {
  onProgress?: (lines: number, bytes: number) => void;
  /**
   * A last line without its newline is not handed on (a writer is still writing it): it is
   * counted in `pendingBytes` and read, whole, by the next run. Asked when the stream ends.
   */
  holdPartial?: boolean | (() => boolean);
}


/**
 * Reads `input` into `sink` through the byte reader, which knows each line's byte offset (so
 * a position committed with a line's rows is exact) and, for access logs, offers lines to
 * the sink's fast path before decoding them. `readLines` (split2) stays as the reference the
 * tests hold it to.
 */
export function readInto(input: Readable, firstLineNo: number, sink: LineSink, o: ReadIntoOptions = {}): Promise<LineStats> {
  return readLineBuffers(input, firstLineNo, sink, o.onProgress, MAX_LINE_BYTES, o.holdPartial ?? false);
}

/**
 * Batch reading without split2: lines are cut from each read chunk in place, and a line is
 * decoded into a string only when the sink's fast path declines it. Same rules as
 * `readLines`: over-long lines cut at `maxBytes` (never held whole) and marked, trailing CR
 * dropped, invalid UTF-8 replaced and counted, numbering from `firstLineNo`.
 */
export async function readLineBuffers(
  input: Readable,
  firstLineNo: number,
  sink: LineSink,
  onProgress?: (lines: number, bytes: number) => void,
  maxBytes = MAX_LINE_BYTES,
  holdPartial: boolean | (() => boolean) = false,
): Promise<LineStats> {
  const stats: LineStats = { bytes: 0, lines: 0, invalidUtf8: 0, pendingBytes: 0 };
  /** Stream offset of the chunk being cut. */
  let base = 0;
  let lineNo = firstLineNo;
  let reported = 0;
  // The line that runs over from one chunk into the next: at most `maxBytes` of it kept.
  let pieces: Buffer[] = [];
  let partialBytes = 0;
  let partialKept = 0;

  const emit = (buf: Buffer, s: number, e: number, clean: boolean, total: number, endOffset: number) => {
    lineNo++;
    stats.lines++;
    if (total > maxBytes) {
      sink.line(decode(buf, s, Math.min(e, s + maxBytes), false), lineNo, total, endOffset);
      return;
    }
    if (clean && sink.bytes) {
      const end = e > s && buf[e - 1] === CR ? e - 1 : e;
      if (sink.bytes(buf, s, end, lineNo, endOffset)) return;
    }
    sink.line(decode(buf, s, e, clean), lineNo, 0, endOffset);
  };
  const decode = (buf: Buffer, s: number, e: number, ascii: boolean): string => {
    if (e > s && buf[e - 1] === CR) e--;
    if (ascii) return buf.toString('latin1', s, e);
    const text = buf.toString('utf8', s, e);
    if (text.indexOf('\uFFFD') >= 0) stats.invalidUtf8++;
    return text;
  };
  const keep = (piece: Buffer) => {
    partialBytes += piece.length;
    const room = maxBytes - partialKept;
    if (room <= 0 || piece.length === 0) return;
    // A copy: the chunk it came from is not held for the next read.
    const kept = Buffer.from(piece.subarray(0, Math.min(room, piece.length)));
    pieces.push(kept);
    partialKept += kept.length;
  };
  const emitPartial = (endOffset: number) => {
    const buf = pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
    const total = partialBytes;
    pieces = [];
    partialBytes = 0;
    partialKept = 0;
    emit(buf, 0, buf.length, isCleanAscii(buf, 0, buf.length), total, endOffset);
  };

  for await (const chunk of input as AsyncIterable<Buffer>) {
    base = stats.bytes;
    stats.bytes += chunk.length;
    let pos = 0;
    if (partialBytes > 0 || pieces.length > 0) {
      const nl = chunk.indexOf(NL);
      keep(nl < 0 ? chunk : chunk.subarray(0, nl));
      if (nl < 0) continue;
      emitPartial(base + nl + 1);
      pos = nl + 1;
    }
    const last = chunk.lastIndexOf(NL);
    if (last >= pos) {
      const clean = sink.bytes !== undefined && isCleanAscii(chunk, pos, last);
      while (pos <= last) {
        const nl = chunk.indexOf(NL, pos);
        emit(chunk, pos, nl, clean, nl - pos, base + nl + 1);
        pos = nl + 1;
      }
    }
    if (pos < chunk.length) keep(chunk.subarray(pos));
    if (onProgress && stats.lines - reported >= PROGRESS_LINES) {
      reported = stats.lines;
      onProgress(stats.lines, stats.bytes);
    }
  }
  if (partialBytes > 0) {
    if (typeof holdPartial === 'function' ? holdPartial() : holdPartial) {
      stats.pendingBytes = partialBytes;
      stats.bytes -= partialBytes;
    } else emitPartial(stats.bytes);
  }
  return stats;
}

const NL = 10;
const CR = 13;

/** All ASCII, and no CR except right before a newline. */
function isCleanAscii(buf: Buffer, start: number, end: number): boolean {
  if (!isAscii(buf.subarray(start, end))) return false;
  for (let cr = buf.indexOf(CR, start); cr >= 0 && cr < end; cr = buf.indexOf(CR, cr + 1)) {
    // A CR ending the buffer ends a line cut from its newline.
    if (cr + 1 < buf.length && buf[cr + 1] !== NL) return false;
  }
  return true;
}
