/**
 * The log lines around an event, as lnav shows them: from the file itself when it is still
 * there and still holds that line (a plain file, the line naming the same client and status),
 * else from what the database kept (the client's stored access lines and its error lines).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { TriageQueries } from './data.js';

export interface ContextLine {
  ts: number | null;
  kind: 'access' | 'error' | 'file';
  file: string;
  line: number;
  /** The event's own line. */
  self: boolean;
  text: string;
}

/** Reading stops here: a TUI must not stall on a huge file (the database's lines remain). */
const MAX_SCAN_BYTES = 512 * 1024 * 1024;
/** Every this many lines the scan notes where a line starts, so the next look starts near. */
const MARK_EVERY = 4096;

/**
 * Where lines start in files looked at before (line 1 + k·MARK_EVERY → byte offset): moving
 * from event to event in a large log must not read it from its start each time. Kept while
 * the file is the same one (inode) and has not shrunk (an append leaves the marks true).
 */
const marksOf = new Map<string, { dev: number; ino: number; size: number; marks: number[] }>();

/** A CRLF log's lines without their CR, as the reader gives them. */
const withoutCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);

/** Lines `line - radius` … `line + radius` (1-based) of a plain file, or null when it cannot say. */
export function fileLinesAround(path: string, line: number, radius: number): string[] | null {
  if (/\.gz$/i.test(path)) return null;
  let fd: number;
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
    if (!st.isFile()) return null;
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    let known = marksOf.get(path);
    if (!known || known.dev !== st.dev || known.ino !== st.ino || st.size < known.size) {
      known = { dev: st.dev, ino: st.ino, size: st.size, marks: [0] };
      marksOf.set(path, known);
    }
    known.size = st.size;
    const { marks } = known;
    const first = Math.max(1, line - radius);
    const last = line + radius;
    // Start at the last mark at or before the first line wanted.
    const k = Math.min(marks.length - 1, Math.floor((first - 1) / MARK_EVERY));
    let lineNo = k * MARK_EVERY + 1;
    let pos = marks[k];
    const out: string[] = [];
    const buf = Buffer.allocUnsafe(1 << 20);
    let partial: Buffer[] = [];
    const until = pos + MAX_SCAN_BYTES;
    while (pos < until) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      let start = 0;
      for (let i = buf.indexOf(10, 0); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) {
        if (lineNo >= first) out.push(Buffer.concat([...partial, buf.subarray(start, i)]).toString('utf8'));
        partial = [];
        lineNo++;
        start = i + 1;
        if ((lineNo - 1) % MARK_EVERY === 0 && (lineNo - 1) / MARK_EVERY === marks.length) marks.push(pos + start);
        if (lineNo > last) return out.map(withoutCr);
      }
      if (lineNo >= first && start < n) partial.push(Buffer.from(buf.subarray(start, n)));
      pos += n;
    }
    if (partial.length > 0 && lineNo >= first && lineNo <= last) out.push(Buffer.concat(partial).toString('utf8'));
    return out.length > 0 && lineNo > line ? out.map(withoutCr) : null;
  } finally {
    closeSync(fd);
  }
}

/** How far before a line's offset its neighbours are looked for (lines of an access log are short). */
const BACK_BYTES = 64 * 1024;

/**
 * Lines `line - radius` … `line + radius` of a plain file from the byte offset where `line`
 * starts (stored with the request): two reads wherever the line is, where counting lines
 * from the start of a large log would stop at MAX_SCAN_BYTES. Null when it cannot say.
 */
export function fileLinesAt(path: string, offset: number, line: number, radius: number): string[] | null {
  if (/\.gz$/i.test(path)) return null;
  let fd: number;
  try {
    if (!statSync(path).isFile()) return null;
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const from = Math.max(0, offset - BACK_BYTES);
    const back = Buffer.allocUnsafe(offset - from);
    const nb = readSync(fd, back, 0, back.length, from);
    if (nb !== back.length || (nb > 0 && back[nb - 1] !== 10)) return null; // not a line start
    // The lines before: what follows the radius-th newline back (or the file's start).
    const before: string[] = [];
    let end = nb - 1;
    while (before.length < Math.min(radius, line - 1)) {
      if (end < 0) return null;
      // (A negative start would count from the buffer's end.)
      const nl = end > 0 ? back.lastIndexOf(10, end - 1) : -1;
      if (nl < 0 && from > 0) return null;
      before.unshift(back.subarray(nl + 1, end).toString('utf8'));
      end = nl;
    }
    const fwd = Buffer.allocUnsafe(BACK_BYTES);
    const nf = readSync(fd, fwd, 0, fwd.length, offset);
    const after: string[] = [];
    let start = 0;
    while (after.length <= radius) {
      const nl = fwd.indexOf(10, start);
      if (nl < 0 || nl >= nf) break;
      after.push(fwd.subarray(start, nl).toString('utf8'));
      start = nl + 1;
    }
    return after.length > 0 ? [...before, ...after].map(withoutCr) : null;
  } finally {
    closeSync(fd);
  }
}

/**
 * A stored access line as the log has it: read from its file at its offset when the database
 * kept the offset and not the line, and the file there still holds a line of this client;
 * else the fields the database kept.
 */
function storedLine(r: { kind: string; file: string; line: number; text: string; offset: number | null }, ip: string, fleet: boolean): string {
  if (fleet || r.kind !== 'access' || r.offset === null) return r.text;
  const own = fileLinesAt(r.file, r.offset, r.line, 0)?.[0];
  return own !== undefined && own.includes(ip) ? own : r.text;
}

/**
 * Around one request: the file's neighbouring lines when the file still holds the event's line
 * (it names the client and the status; a rotated-away file's successor would not), and the
 * database's lines of the same client around it, error lines included.
 */
export function contextAround(
  q: TriageQueries,
  e: { id: number; ip: string; status: number; file: string; line: number; offset?: number | null },
  radius = 2,
  fleet = false,
): ContextLine[] {
  const stored = q.all<{ ts: number; kind: 'access' | 'error'; file: string; line: number; self: number; text: string; offset: number | null }>('tui-around', { id: e.id });
  const holdsEvent = (found: string[] | null): found is string[] => {
    const own = found?.[Math.min(radius, e.line - 1)];
    return own !== undefined && own.includes(e.ip) && own.includes(String(e.status));
  };
  // A fleet's event was logged on another server: a file of the same name here is not its log.
  // The stored offset first (two reads); when the file there no longer holds the event's line
  // at it, counting lines from the start as before.
  const atOffset = fleet || typeof e.offset !== 'number' ? null : fileLinesAt(e.file, e.offset, e.line, radius);
  const lines = fleet ? null : holdsEvent(atOffset) ? atOffset : fileLinesAround(e.file, e.line, radius);
  const fromFile: ContextLine[] =
    holdsEvent(lines)
      ? lines.map((text, i) => {
          const line = Math.max(1, e.line - radius) + i;
          return { ts: null, kind: 'file', file: e.file, line, self: line === e.line, text };
        })
      : [];
  // The error lines first: they say why; then the client's other stored requests.
  const db = [...stored.filter((r) => r.kind === 'error'), ...stored.filter((r) => r.kind === 'access')]
    .filter((r) => !(fromFile.length > 0 && r.kind === 'access' && r.file === e.file && Math.abs(r.line - e.line) <= radius))
    .map((r) => ({ ts: r.ts, kind: r.kind, file: r.file, line: r.line, self: r.self === 1, text: storedLine(r, e.ip, fleet) }));
  return [...fromFile, ...db];
}
