/**
 * Reads one planned source to its end: every line parsed, every 401/403 stored whole,
 * ordinary traffic counted, events enriched with their auth signal, rejects kept.
 */
import type { Readable } from 'node:stream';
import type { AccessRecord, LogEvent, LogParser, ParseContext } from '../../parsers/index.js';
import { detectSignal } from '../classify/signals.js';
import { EntryFramer } from '../read/framer.js';
import { readLines, type LineStats } from '../read/lines.js';
import { pathOf, type StoreWriter } from '../store/writer.js';
import { localToUtc, parseZone, type Zone } from './zone.js';

/** Successes from a client this long after its 401/403 are kept as context (the retry). */
export const CONTEXT_WINDOW_MS = 30_000;
const EXCERPT_BYTES = 200;

export interface SourceCounts {
  lines: number;
  stored: number;
  blank: number;
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
  zone: Zone;
  keepAll: boolean;
  writer: StoreWriter;
  /** Clients with a recent 401/403, across the sources of one run: ip → context ends. */
  watch: Map<string, number>;
  onProgress?: (bytes: number, lines: number) => void;
}

export function excerpt(text: string): string {
  const buf = Buffer.from(text.length > EXCERPT_BYTES ? text.slice(0, EXCERPT_BYTES) : text, 'utf8');
  return buf.length <= EXCERPT_BYTES ? buf.toString('utf8') : buf.subarray(0, EXCERPT_BYTES).toString('utf8').replace(/\uFFFD$/, '');
}

export async function readSource(input: Readable, firstLineNo: number, o: ReadOptions): Promise<SourceCounts> {
  const counts: SourceCounts = { lines: 0, stored: 0, blank: 0, rejected: {}, invalidUtf8: 0, bytes: 0, offsets: new Map() };
  const { writer, sourceId, parser, ctx } = o;
  const now = Date.now();

  const rejectLine = (reason: string, text: string, lineNo: number) => {
    counts.rejected[reason] = (counts.rejected[reason] ?? 0) + 1;
    writer.reject(sourceId, lineNo, reason, excerpt(text));
  };

  const onAccess = (r: AccessRecord, raw: string, lineNo: number) => {
    writer.countTraffic(r.ts, r.status);
    if (r.offsetMin !== null) counts.offsets.set(r.offsetMin, (counts.offsets.get(r.offsetMin) ?? 0) + 1);
    if (r.status === 401 || r.status === 403) {
      writer.request(sourceId, lineNo, r, raw, 'auth');
      o.watch.set(r.ip, r.ts + CONTEXT_WINDOW_MS);
      counts.stored++;
      return;
    }
    const until = o.watch.get(r.ip);
    if (o.keepAll || (until !== undefined && r.ts <= until)) {
      writer.request(sourceId, lineNo, r, raw, o.keepAll ? 'all' : 'context');
      counts.stored++;
    }
    if (r.status < 400 && r.target !== null) writer.clientSuccess(r.ip, pathOf(r.target)!, r.ts, r.user !== null);
  };

  const onEvent = (e: LogEvent, lineNo: number) => {
    let ts = localToUtc(e.localTime, (e.zone !== null && zoneFor(e.zone)) || o.zone);
    // Syslog lines carry no year: one that lands in the future belongs to last year.
    if (e.yearless && ts > now + 86_400_000) {
      const d = new Date(e.localTime);
      d.setUTCFullYear(d.getUTCFullYear() - 1);
      ts = localToUtc(d.getTime(), o.zone);
    }
    writer.event(sourceId, lineNo, e, ts, detectSignal(e));
    counts.stored++;
  };

  const onEntry = (text: string, lineNo: number) => {
    const res = parser.parse(text, ctx);
    if (!res.ok) return rejectLine(res.reason, text, lineNo);
    if (res.record.kind === 'access') onAccess(res.record, text, lineNo);
    else onEvent(res.record, lineNo);
  };

  const framer = parser.startsEntry
    ? new EntryFramer(parser.startsEntry, onEntry, (text, lineNo) => rejectLine('orphan_continuation', text, lineNo))
    : null;

  let sinceProgress = 0;
  const stats: LineStats = await readLines(input, firstLineNo, (text, lineNo, overflow) => {
    if (++sinceProgress === 20_000) {
      sinceProgress = 0;
      o.onProgress?.(-1, lineNo - firstLineNo);
      pruneWatch(o.watch);
    }
    if (overflow > 0) return rejectLine('line_too_long', text, lineNo);
    const blank = text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0);
    if (blank && !framer?.pending) {
      counts.blank++;
      return;
    }
    if (framer) framer.push(text, lineNo);
    else onEntry(text, lineNo);
  });
  framer?.flush();
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

/** Forget clients whose context window has long passed, so the map stays small. */
function pruneWatch(watch: Map<string, number>): void {
  if (watch.size < 50_000) return;
  let newest = 0;
  for (const until of watch.values()) if (until > newest) newest = until;
  for (const [ip, until] of watch) if (until < newest - 10 * CONTEXT_WINDOW_MS) watch.delete(ip);
}
