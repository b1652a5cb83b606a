/**
 * Reads one planned source to its end: every line parsed, every 401/403 stored whole,
 * ordinary traffic counted, events enriched with their auth signal, rejects kept.
 */
import type { Readable } from 'node:stream';
import type { AccessBytesView, AccessRecord, LogEvent, LogParser, ParseContext } from '../../parsers/index.js';
import { detectSignal } from '../classify/signals.js';
import { EntryFramer } from '../read/framer.js';
import { readInto, type LineStats } from '../read/lines.js';
import { endpointOf, pathOf, type StoreWriter } from '../store/writer.js';
import { localToUtc, parseZone, type Zone } from './zone.js';

/** Successes from a client this long after its 401/403 are kept as context (the retry). */
export const CONTEXT_WINDOW_MS = 30_000;
const EXCERPT_BYTES = 200;

export interface SourceCounts {
  lines: number;
  stored: number;
  rejected: Record<string, number>;
  invalidUtf8: number;
  bytes: number;
  /** Access logs: how often each UTC offset was seen, to read zoneless logs in. */
  offsets: Map<number, number>;
}

export interface ReadOptions {
  sourceId: number;
  parser: LogParser;
  ctx: ParseContext;
  /** Zone of zoneless times; a function when it is learnt while reading (live: from the access logs). */
  zone: Zone | (() => Zone);
  keepAll: boolean;
  writer: StoreWriter;
  /** Lines dated after this (epoch ms) are rejected as `future_timestamp`; see futureLimit. */
  notAfter: number;
  onProgress?: (bytes: number, lines: number) => void;
}

/** A day of slack: clocks and zones (±14 h) may differ, a log never runs days ahead of its file. */
const FUTURE_SLACK_MS = 86_400_000;

/** The latest time a line of a file last written at `mtimeMs` (else now) may carry. */
export function futureLimit(mtimeMs: number | null | undefined, now = Date.now()): number {
  return Math.max(mtimeMs ?? now, now) + FUTURE_SLACK_MS;
}

export function excerpt(text: string): string {
  const buf = Buffer.from(text.length > EXCERPT_BYTES ? text.slice(0, EXCERPT_BYTES) : text, 'utf8');
  return buf.length <= EXCERPT_BYTES ? buf.toString('utf8') : buf.subarray(0, EXCERPT_BYTES).toString('utf8').replace(/\uFFFD$/, '');
}

/** Per-line work for one source, fed line by line (by readSource, or by a live follower). */
export interface LineProcessor {
  counts: SourceCounts;
  line(text: string, lineNo: number, overflow: number): void;
  /** Access logs, unless every request is kept: the byte fast path (see `LineSink`). */
  bytes?(buf: Buffer, start: number, end: number): boolean;
  /** A multi-line entry still waits for its continuation lines. */
  readonly pending: boolean;
  /** Move the future_timestamp limit (a followed source's clock goes on). */
  setNotAfter(ms: number): void;
  /** Hand on a waiting multi-line entry (at the end, or after a quiet time when following). */
  flushEntry(): void;
  finish(): SourceCounts;
}

export function createLineProcessor(o: ReadOptions): LineProcessor {
  const counts: SourceCounts = { lines: 0, stored: 0, rejected: {}, invalidUtf8: 0, bytes: 0, offsets: new Map() };
  const { writer, sourceId, parser, ctx } = o;
  let notAfter = o.notAfter;
  const now = Date.now();

  const rejectLine = (reason: string, text: string, lineNo: number) => {
    counts.rejected[reason] = (counts.rejected[reason] ?? 0) + 1;
    writer.reject(sourceId, lineNo, reason, excerpt(text));
  };

  const clients = writer.clients;
  let lastOffset: number | null = null;
  let lastOffsetCount = 0;

  /** Ordinary traffic: counted and remembered as a client's success (at `endpoint`, an id or -1), not stored. */
  const countOrdinary = (ts: number, offsetMin: number | null, client: number, status: number, endpoint: number, hasUser: boolean, https: boolean) => {
    writer.countTraffic(ts, status);
    if (offsetMin !== lastOffset) {
      flushOffset();
      lastOffset = offsetMin;
      // Seen at once (counted in batches): a live session reads error logs in this offset.
      if (offsetMin !== null && !counts.offsets.has(offsetMin)) counts.offsets.set(offsetMin, 0);
    }
    lastOffsetCount++;
    if (status < 400 && endpoint >= 0) writer.clientSuccess(client, endpoint, ts, hasUser, https);
  };
  const endpointOfTarget = (target: string | null) => (target === null ? -1 : writer.endpointId(endpointOf(pathOf(target)!)));
  const flushOffset = () => {
    if (lastOffset !== null && lastOffsetCount > 0) counts.offsets.set(lastOffset, (counts.offsets.get(lastOffset) ?? 0) + lastOffsetCount);
    lastOffsetCount = 0;
  };

  const onAccess = (r: AccessRecord, raw: string, lineNo: number) => {
    if (r.ts > notAfter) return rejectLine('future_timestamp', raw, lineNo);
    const client = clients.id(r.ip);
    if (r.status !== 401 && r.status !== 403) {
      if (o.keepAll || r.ts <= clients.watchUntil[client]) {
        writer.request(sourceId, lineNo, r, raw, o.keepAll ? 'all' : 'context');
        counts.stored++;
      }
      countOrdinary(r.ts, r.offsetMin, client, r.status, r.status < 400 ? endpointOfTarget(r.target) : -1, r.user !== null, r.scheme === 'https');
      return;
    }
    countOrdinary(r.ts, r.offsetMin, client, r.status, -1, false, false);
    writer.request(sourceId, lineNo, r, raw, 'auth');
    clients.watchUntil[client] = r.ts + CONTEXT_WINDOW_MS;
    counts.stored++;
  };

  const onEvent = (e: LogEvent, raw: string, lineNo: number) => {
    const sourceZone = typeof o.zone === 'function' ? o.zone() : o.zone;
    const ownZone = e.zone !== null ? zoneFor(e.zone) : null;
    if (e.zone !== null && ownZone === null) return rejectLine('unknown_zone', raw, lineNo);
    let ts = localToUtc(e.localTime, ownZone ?? sourceZone);
    // Syslog lines carry no year: one that lands in the future belongs to last year.
    if (e.yearless && ts > now + 86_400_000) {
      const d = new Date(e.localTime);
      d.setUTCFullYear(d.getUTCFullYear() - 1);
      ts = localToUtc(d.getTime(), sourceZone);
    }
    if (ts > notAfter) return rejectLine('future_timestamp', raw, lineNo);
    writer.event(sourceId, lineNo, e, ts, detectSignal(e));
    counts.stored++;
  };

  const scan = o.keepAll ? undefined : parser.scan;
  const onEntry = (text: string, lineNo: number) => {
    if (scan) {
      // Fast path: most requests are neither 401/403 nor near one, and need only counting.
      const v = scan(text);
      if (v !== null && v.status !== 401 && v.status !== 403 && v.ts <= notAfter) {
        const client = clients.id(v.ip);
        if (v.ts > clients.watchUntil[client]) {
          return countOrdinary(v.ts, v.offsetMin, client, v.status, v.status < 400 ? endpointOfTarget(v.target) : -1, v.hasUser, v.scheme === 'https');
        }
      }
    }
    const res = parser.parse(text, ctx);
    if (!res.ok) return rejectLine(res.reason, text, lineNo);
    if (res.record.kind === 'access') onAccess(res.record, text, lineNo);
    else onEvent(res.record, text, lineNo);
  };

  const scanBytes = o.keepAll ? undefined : parser.scanBytes;
  const view: AccessBytesView = { ts: 0, offsetMin: 0, ipStart: 0, ipEnd: 0, status: 0, hasUser: false, pathStart: -1, pathEnd: -1, https: false };
  /** The same fast path over the line's bytes: no string made for an ordinary request. */
  const countBytes = (buf: Buffer, start: number, end: number): boolean => {
    // A line from the future is declined here and rejected by the full parse.
    if (!scanBytes!(buf, start, end, view) || view.status === 401 || view.status === 403 || view.ts > notAfter) return false;
    const client = clients.idOfBytes(buf, view.ipStart, view.ipEnd);
    if (view.ts <= clients.watchUntil[client]) return false;
    counts.lines++;
    const endpoint = view.status < 400 && view.pathStart >= 0 ? writer.endpointIdOfBytes(buf, view.pathStart, view.pathEnd) : -1;
    countOrdinary(view.ts, view.offsetMin, client, view.status, endpoint, view.hasUser, view.https);
    return true;
  };

  const framer = parser.startsEntry
    ? new EntryFramer(parser.startsEntry, onEntry, (text, lineNo) => rejectLine('orphan_continuation', text, lineNo))
    : null;

  return {
    counts,
    bytes: scanBytes ? countBytes : undefined,
    line(text, lineNo, overflow) {
      counts.lines++;
      if (overflow > 0) return rejectLine('line_too_long', text, lineNo);
      // An empty line is counted and kept like any reject (inside a multi-line entry it is part of it).
      const blank = text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0);
      if (blank && !framer?.pending) return rejectLine('empty', text, lineNo);
      if (framer) framer.push(text, lineNo);
      else onEntry(text, lineNo);
    },
    setNotAfter(ms) {
      notAfter = ms;
    },
    get pending() {
      return framer?.pending ?? false;
    },
    flushEntry() {
      framer?.flush();
    },
    finish() {
      framer?.flush();
      flushOffset();
      return counts;
    },
  };
}

export async function readSource(input: Readable, firstLineNo: number, o: ReadOptions): Promise<SourceCounts> {
  const processor = createLineProcessor(o);
  const stats: LineStats = await readInto(input, firstLineNo, processor, (lines, bytes) => o.onProgress?.(bytes, lines));
  const counts = processor.finish();
  counts.lines = stats.lines;
  counts.invalidUtf8 = stats.invalidUtf8;
  counts.bytes = stats.bytes;
  return counts;
}

const zoneCache = new Map<string, Zone | null>();

/** debug.log names its zone on every line: parse each distinct name once. */
function zoneFor(name: string): Zone | null {
  let z = zoneCache.get(name);
  if (z === undefined) {
    z = parseZone(name);
    zoneCache.set(name, z);
  }
  return z;
}
