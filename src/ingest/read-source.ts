/**
 * Reads one planned source to its end: every line parsed, every 401/403 stored whole,
 * ordinary traffic counted, events enriched with their auth signal, rejects kept.
 */
import type { Readable } from 'node:stream';
import type { AccessBytesView, AccessRecord, LogEvent, LogParser, ParseContext } from '../../parsers/index.js';
import { detectSignal } from '../classify/signals.js';
import { EntryFramer } from '../read/framer.js';
import { readInto } from '../read/lines.js';
import type { SourceIdentity, SourceProgress } from '../store/sources.js';
import { endpointOf, pathOf, type PositionSource, type StoreWriter } from '../store/writer.js';
import { LocalClock, localToUtc, parseZone, type Zone } from './zone.js';
import type { OnlineClassifier } from '../classify/online.js';
import { keepHeapBudget } from '../util/memory.js';
import type { AuthRequest } from '../classify/facts.js';
import { DEFAULT_CLASSIFY, type Challenge } from '../classify/index.js';
import { RecentAnswers } from './recent-answers.js';

/** What classification reads of a 401/403 (its id is given by the classifier). */
export function authRequestOf(r: AccessRecord, file: string, line: number): AuthRequest {
  const path = pathOf(r.target);
  return {
    id: 0, ts: r.ts, ip: r.ip, user: r.user, userLogged: r.userLogged, method: r.method, target: r.target, path, status: r.status, bytes: r.bytes,
    userAgent: r.userAgent, host: r.host, scheme: r.scheme, upstreamStatus: r.upstreamStatus, wwwAuthenticate: r.wwwAuthenticate,
    endpoint: path === null ? null : endpointOf(path), extra: Object.keys(r.extra).length > 0 ? r.extra : null, file, line,
  };
}

/** Successes from a client this long after its 401/403 are kept as context (the retry). */
export const CONTEXT_WINDOW_MS = 30_000;
const EXCERPT_BYTES = 200;

export interface SourceCounts {
  lines: number;
  stored: number;
  rejected: Record<string, number>;
  invalidUtf8: number;
  bytes: number;
  /** A last line still waiting for its newline: not read yet (the next run reads it whole). */
  pendingBytes: number;
  /** Access logs: how often each UTC offset was seen, to read zoneless logs in. */
  offsets: Map<number, number>;
  /** Events whose time carried no zone (read in the source's zone). */
  zoneless: number;
}

export interface ReadOptions {
  sourceId: number;
  /** Where this read starts: the position last committed for the source. */
  start: { offset: number; lines: number };
  parser: LogParser;
  ctx: ParseContext;
  /** Zone of zoneless times; a function when it is learnt while reading (live: from the access logs). */
  zone: Zone | (() => Zone);
  keepAll: boolean;
  writer: StoreWriter;
  /** Lines dated after this (epoch ms) are rejected as `future_timestamp`; see futureLimit. */
  notAfter: number;
  onProgress?: (bytes: number, lines: number) => void;
  /** One pass: 401/403s are classified as they are read (access logs of a batch ingest). */
  classifier?: OnlineClassifier;
  /** The source's name, as evidence names it. */
  file?: string;
  /**
   * A plain file: a stored request keeps the byte offset of its line and not the line itself
   * (read from the file when shown; 15 MB of the 1M bench's database). Piped and compressed
   * content keeps its lines: there is nothing to read them from later.
   */
  rereadable?: boolean;
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

/**
 * Per-line work for one source, fed line by line (by readSource, or by a live follower). It
 * is attached to the writer as a PositionSource: every checkpoint commits the position just
 * after the last line whose rows and counts are in it (before a multi-line entry still open).
 */
export interface LineProcessor extends PositionSource {
  counts: SourceCounts;
  line(text: string, lineNo: number, overflow: number, endOffset: number): void;
  /** Access logs, unless every request is kept: the byte fast path (see `LineSink`). */
  bytes?(buf: Buffer, start: number, end: number, lineNo: number, endOffset: number): boolean;
  /** A multi-line entry still waits for its continuation lines. */
  readonly pending: boolean;
  /** Move the future_timestamp limit (a followed source's clock goes on). */
  setNotAfter(ms: number): void;
  /** Hand on a waiting multi-line entry (at the end, or after a quiet time when following). */
  flushEntry(): void;
  /** The end: the open entry is handed on; `identity` goes with the last checkpoint. */
  finish(identity?: SourceIdentity | null): SourceCounts;
  /** The content ended in damage (a cut .gz): one reject after the last line, kept with the rest. */
  rejectEnd(reason: string, detail: string): void;
  /** The position and line number last committed. */
  readonly committedAt: { offset: number; lines: number };
}

export function createLineProcessor(o: ReadOptions): LineProcessor {
  const counts: SourceCounts = { lines: 0, stored: 0, rejected: {}, invalidUtf8: 0, bytes: 0, pendingBytes: 0, offsets: new Map(), zoneless: 0 };
  const { writer, sourceId, parser, ctx, classifier } = o;
  const file = o.file ?? '';
  let notAfter = o.notAfter;
  const now = Date.now();
  let rejectedTotal = 0;

  const rejectLine = (reason: string, text: string, lineNo: number) => {
    counts.rejected[reason] = (counts.rejected[reason] ?? 0) + 1;
    rejectedTotal++;
    writer.reject(sourceId, lineNo, reason, excerpt(text));
  };

  // The line boundary a checkpoint may commit (bytes and tallies since `o.start`), and what
  // was committed. Behind an open multi-line entry the boundary stays before its first line.
  // Changed in place: a new object per line was a million allocations on the 1M bench.
  const safe = { bytes: 0, lines: 0, stored: 0, rejected: 0, invalid: 0 };
  const setSafe = (bytes: number, lines: number, stored: number, rejected: number, invalid: number) => {
    safe.bytes = bytes;
    safe.lines = lines;
    safe.stored = stored;
    safe.rejected = rejected;
    safe.invalid = invalid;
  };
  let committed = { offset: o.start.offset, lines: o.start.lines, stored: 0, rejected: 0, invalid: 0 };
  let prevEnd = 0;
  let sinceHeapCheck = 0;
  let identity: SourceIdentity | null = null;
  const boundary = (lineNo: number, endOffset: number, invalid: boolean) => {
    if (!framer?.pending) {
      setSafe(endOffset, counts.lines, counts.stored, rejectedTotal, counts.invalidUtf8);
    } else if (framer.startLine === lineNo) {
      // This line opened an entry (and so handed on the one before): the boundary is before it.
      setSafe(prevEnd, counts.lines - 1, counts.stored, rejectedTotal, counts.invalidUtf8 - (invalid ? 1 : 0));
    }
    prevEnd = endOffset;
    if ((++sinceHeapCheck & 0x3fff) === 0) keepHeapBudget();
    if (writer.due) writer.checkpoint();
    else if (writer.rowsDue) writer.flushRows();
  };

  const clients = writer.clients;
  let lastOffset: number | null = null;
  let lastOffsetCount = 0;

  /** Ordinary traffic: counted and remembered as a client's success (at `endpoint`, an id or -1), not stored. */
  const countOrdinary = (ts: number, offsetMin: number | null, client: number, status: number, endpoint: number, hasUser: boolean, https: boolean) => {
    writer.countTraffic(o.sourceId, ts, status);
    if (classifier !== undefined && ts >= classifier.nextDue) classifier.advance(ts);
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

  const keepRaw = !o.rereadable;
  // Requests with credentials, in case one answers a 401 written after it.
  const answers = new RecentAnswers();
  const challengeMs = classifier?.challengeMs ?? DEFAULT_CLASSIFY.challengeMs;
  /** The client's answer to a credential-less 401 written before it: stored as its context, and handed to the classifier. */
  const answerBefore = (r: AccessRecord, client: number): Challenge | undefined => {
    const a = answers.find(client, clients.generation, r.ts, r.ts + challengeMs);
    if (a === null) return undefined;
    const res = parser.parse(a.text, ctx);
    if (!res.ok || res.record.kind !== 'access') return undefined;
    const answer = res.record;
    answer.ts = a.ts;
    if (a.unstored) {
      writer.request(sourceId, a.lineNo, answer, keepRaw ? a.text : null, 'context', a.offset);
      counts.stored++;
    }
    return { ts: a.ts, status: answer.status, user: answer.user, file, line: a.lineNo };
  };
  const onAccess = (r: AccessRecord, raw: string, lineNo: number) => {
    if (r.zoneless) r.ts = clockOf(typeof o.zone === 'function' ? o.zone() : o.zone).toUtc(r.ts);
    if (r.ts > notAfter) return rejectLine('future_timestamp', raw, lineNo);
    const client = clients.id(r.ip);
    if (r.status !== 401 && r.status !== 403) {
      const watched = r.ts <= clients.watchUntil[client];
      if (o.keepAll || watched) {
        writer.request(sourceId, lineNo, r, keepRaw ? raw : null, o.keepAll ? 'all' : 'context', o.start.offset + prevEnd);
        counts.stored++;
      } else if (r.user !== null && r.status < 400) answers.addText(client, clients.generation, r.ts, lineNo, o.start.offset + prevEnd, raw);
      if (watched) classifier?.success(r.ip, r.ts, r.status, file, lineNo, r.user);
      countOrdinary(r.ts, r.offsetMin, client, r.status, r.status < 400 ? endpointOfTarget(r.target) : -1, r.user !== null, r.scheme === 'https');
      return;
    }
    countOrdinary(r.ts, r.offsetMin, client, r.status, -1, false, false);
    writer.request(sourceId, lineNo, r, keepRaw ? raw : null, 'auth', o.start.offset + prevEnd);
    clients.watchUntil[client] = r.ts + CONTEXT_WINDOW_MS;
    counts.stored++;
    if (r.user !== null) answers.addText(client, clients.generation, r.ts, lineNo, o.start.offset + prevEnd, raw, true);
    const before = r.status === 401 && r.user === null ? answerBefore(r, client) : undefined;
    classifier?.auth(sourceId, authRequestOf(r, file, lineNo), before);
  };

  // One clock per zone the source is read in: it keeps the order through a DST fall-back.
  const clocks = new Map<string, LocalClock>();
  const clockOf = (zone: Zone): LocalClock => {
    let c = clocks.get(zone.name);
    if (c === undefined) {
      c = new LocalClock(zone);
      clocks.set(zone.name, c);
    }
    return c;
  };
  const onEvent = (e: LogEvent, raw: string, lineNo: number) => {
    const sourceZone = typeof o.zone === 'function' ? o.zone() : o.zone;
    const ownZone = e.zone !== null ? zoneFor(e.zone) : null;
    if (e.zone !== null && ownZone === null) return rejectLine('unknown_zone', raw, lineNo);
    if (e.zone === null) counts.zoneless++;
    let ts = clockOf(ownZone ?? sourceZone).toUtc(e.localTime);
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
          if (v.hasUser && v.status < 400) answers.addText(client, clients.generation, v.ts, lineNo, o.start.offset + prevEnd, text);
          return countOrdinary(v.ts, v.offsetMin, client, v.status, v.status < 400 ? endpointOfTarget(v.target) : -1, v.hasUser, v.scheme === 'https');
        }
      }
    }
    const res = parser.parse(text, ctx);
    if (!res.ok) return res.reason === 'header' ? undefined : rejectLine(res.reason, text, lineNo);
    if (res.record.kind === 'access') onAccess(res.record, text, lineNo);
    else onEvent(res.record, text, lineNo);
  };

  const scanBytes = o.keepAll ? undefined : parser.scanBytes;
  const view: AccessBytesView = { ts: 0, offsetMin: 0, ipStart: 0, ipEnd: 0, status: 0, hasUser: false, pathStart: -1, pathEnd: -1, https: false };
  /** The same fast path over the line's bytes: no string made for an ordinary request. */
  const countBytes = (buf: Buffer, start: number, end: number, lineNo: number): boolean => {
    // A line from the future is declined here and rejected by the full parse.
    if (!scanBytes!(buf, start, end, view) || view.status === 401 || view.status === 403 || view.ts > notAfter) return false;
    const client = clients.idOfBytes(buf, view.ipStart, view.ipEnd);
    if (view.ts <= clients.watchUntil[client]) return false;
    counts.lines++;
    if (view.hasUser && view.status < 400) answers.addBytes(client, clients.generation, view.ts, lineNo, o.start.offset + prevEnd, buf, start, end);
    const endpoint = view.status < 400 && view.pathStart >= 0 ? writer.endpointIdOfBytes(buf, view.pathStart, view.pathEnd) : -1;
    countOrdinary(view.ts, view.offsetMin, client, view.status, endpoint, view.hasUser, view.https);
    return true;
  };

  const framer = parser.startsEntry
    ? new EntryFramer(parser.startsEntry, onEntry, (text, lineNo) => rejectLine('orphan_continuation', text, lineNo))
    : null;

  const handleLine = (text: string, lineNo: number, overflow: number) => {
    if (overflow > 0) return rejectLine('line_too_long', text, lineNo);
    // An empty line is counted and kept like any reject (inside a multi-line entry it is part of it).
    const blank = text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim().length === 0);
    if (blank && !framer?.pending) return rejectLine('empty', text, lineNo);
    if (framer) framer.push(text, lineNo);
    else onEntry(text, lineNo);
  };

  const processor: LineProcessor = {
    counts,
    bytes: scanBytes
      ? (buf, start, end, lineNo, endOffset) => {
          if (!countBytes(buf, start, end, lineNo)) return false;
          boundary(lineNo, endOffset, false);
          return true;
        }
      : undefined,
    line(text, lineNo, overflow, endOffset) {
      counts.lines++;
      const invalid = text.indexOf('\uFFFD') >= 0;
      if (invalid) counts.invalidUtf8++;
      handleLine(text, lineNo, overflow);
      boundary(lineNo, endOffset, invalid);
    },
    progress(): SourceProgress | null {
      const offset = o.start.offset + safe.bytes;
      const lines = o.start.lines + safe.lines;
      const same = offset === committed.offset && lines === committed.lines && safe.stored === committed.stored && safe.rejected === committed.rejected && safe.invalid === committed.invalid;
      if (same && identity === null) return null;
      return {
        sourceId, from: { offset: committed.offset, lines: committed.lines }, offset, lines,
        stored: safe.stored - committed.stored, rejected: safe.rejected - committed.rejected, invalidUtf8: safe.invalid - committed.invalid, identity,
      };
    },
    committed(p) {
      committed = { offset: p.offset, lines: p.lines, stored: safe.stored, rejected: safe.rejected, invalid: safe.invalid };
      if (p.identity) identity = null;
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
    rejectEnd(reason, detail) {
      framer?.flush();
      rejectLine(reason, detail, o.start.lines + counts.lines + 1);
    },
    get committedAt() {
      return { offset: committed.offset, lines: committed.lines };
    },
    finish(id = null) {
      framer?.flush();
      flushOffset();
      setSafe(prevEnd, counts.lines, counts.stored, rejectedTotal, counts.invalidUtf8);
      identity = id;
      return counts;
    },
  };
  writer.attach(processor);
  return processor;
}

/**
 * Reads a source from its position to its end and commits what it read, position included,
 * in checkpoints along the way and one at the end. With `holdPartial`, a last line without
 * its newline is left for the next run. A PositionConflict (another process read the same
 * lines first) propagates with nothing of this read's last batch written.
 */
export async function readSource(
  input: Readable,
  o: ReadOptions & { holdPartial: boolean; identity: () => SourceIdentity; damage?: () => { reason: string; detail: string } | null },
): Promise<SourceCounts> {
  const processor = createLineProcessor(o);
  o.classifier?.startSource();
  try {
    const stats = await readInto(input, o.start.lines, processor, { onProgress: (lines, bytes) => o.onProgress?.(bytes, lines), holdPartial: o.holdPartial });
    const damage = o.damage?.();
    if (damage) processor.rejectEnd(damage.reason, damage.detail);
    const counts = processor.finish(o.identity());
    counts.bytes = stats.bytes;
    counts.pendingBytes = stats.pendingBytes;
    o.writer.checkpoint();
    // Written before the next source is read (its classification reads these lines back).
    o.writer.sync();
    return counts;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_FULL' || code === 'ENOSPC') throw new DiskFull(processor.committedAt.lines);
    throw e;
  } finally {
    o.writer.detach(processor);
  }
}

/** The disk filled while writing; `lines` of the source are stored (a re-run resumes after them). */
export class DiskFull extends Error {
  constructor(readonly lines: number) {
    super('disk full');
    this.name = 'DiskFull';
  }
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
