/**
 * `authlog ingest`: inputs → sources → SQLite. Access logs are read first so that their
 * UTC offset is known before the zoneless error logs of the same run are read.
 */
import { basename, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { FormatChoice, ParseContext } from '../../parsers/index.js';
import { discoverInputs, rotationOf } from '../read/discover.js';
import { openFile, openStream, type OpenedInput } from '../read/open.js';
import { getMeta, setMeta, waitReporterOf, type Db } from '../store/db.js';
import { createSource, PositionConflict } from '../store/sources.js';
import { SqliteSink, type RowSink } from '../store/sink.js';
import { ThreadSink } from '../store/thread-sink.js';
import { StoreWriter } from '../store/writer.js';
import { planSource, refreshExisting, unreadFieldsWarning, type PlanStatus, type SourcePlan } from './plan.js';
import { DiskFull, futureLimit, readSource, type SourceCounts } from './read-source.js';
import { AuthlogError } from '../errors.js';
import type { ConfiguredFormat } from './server-conf.js';
import { dominantOffset, fixedZone, zonelessZone, type Zone } from './zone.js';
import { OnlineClassifier, type History } from '../classify/online.js';
import { DEFAULT_CLASSIFY, intermittentText } from '../classify/index.js';
import { classifyStore, verdictColumns, type LongSpan } from '../store/classify-io.js';
import { historyOf } from './history.js';

export interface IngestOptions {
  paths: string[];
  format: FormatChoice;
  logFormat?: string;
  /** The format each access log has in the server's configuration (see server-conf.ts). */
  configured?: (file: string) => ConfiguredFormat | null;
  /** Zone of logs that carry no offset; when absent, the access logs' offset is used. */
  tz?: Zone;
  keepAll: boolean;
  stdin?: Readable;
  onProgress?: (p: ProgressEvent) => void;
  /** Each file's summary as soon as it is done (read, or passed over). */
  onSource?: (s: SourceSummary) => void;
  /** The stages after reading, which take time on a large log: said while they run. */
  onStage?: (stage: string) => void;
  /**
   * Write on a second thread (see ThreadSink) when the database is a file and the built
   * worker is there; false writes in this thread.
   */
  writerThread?: boolean;
}

export interface ProgressEvent {
  path: string;
  /** Bytes of this source to read (null when unknown: compressed, stdin). */
  bytesTotal: number | null;
  /** Bytes read so far (of the decompressed content). */
  bytes: number;
  /** Since this source started. */
  seconds: number;
  lines: number;
  index: number;
  count: number;
}

export interface SourceSummary {
  path: string;
  /** The database's source for this file (its earlier generations are the same source), or null when none was made. */
  sourceId: number | null;
  status: PlanStatus;
  format: string | null;
  variant: string | null;
  lines: number;
  stored: number;
  rejected: Record<string, number>;
  invalidUtf8: number;
  /** A last line without its newline yet: left for the next run. */
  pendingBytes: number;
  seconds: number;
  zone: string | null;
  /** status `followed`: the pid of the authlog follow reading it. */
  followedBy?: number;
}

export interface IngestResult {
  sources: SourceSummary[];
  /** Paths passed over, each named once (dangling links, link loops, unreadable files). */
  warnings: string[];
  /** Files that could not be opened (the command exits 66 after reading the rest). */
  unreadable: number;
  zone: string;
  /**
   * A span of stored 401/403s whose verdicts need making again (null: none): error lines
   * arrived for requests an earlier run classified without them.
   */
  reclassify: { from: number; to: number } | null;
}

async function openInput(path: string, stdin: Readable | undefined): Promise<OpenedInput> {
  if (path === '-') return openStream('-', stdin ?? process.stdin);
  return openFile(path);
}

function summaryOf(plan: SourcePlan, counts: SourceCounts | null, seconds: number, zone: string | null, sourceId = plan.existing?.id ?? null): SourceSummary {
  return {
    path: plan.input.name,
    sourceId,
    status: plan.status,
    format: plan.parser?.name ?? plan.existing?.format ?? null,
    variant: plan.parser?.variant ?? plan.existing?.variant ?? null,
    lines: counts?.lines ?? 0,
    stored: counts?.stored ?? 0,
    rejected: counts?.rejected ?? {},
    invalidUtf8: counts?.invalidUtf8 ?? 0,
    pendingBytes: counts?.pendingBytes ?? 0,
    seconds,
    zone,
    followedBy: plan.followedBy,
  };
}


export async function ingest(db: Db, o: IngestOptions): Promise<IngestResult> {
  const ctx: ParseContext = { year: new Date().getUTCFullYear() };
  const { inputs: found, warnings } = discoverInputs(o.paths);
  // The database may sit among the logs it reads: never read it (or its -wal) as a log.
  const own = new Set(['', '-wal', '-shm', '-journal'].map((x) => resolve(db.name) + x));
  const discovered = found.filter((d) => d.path === '-' || !own.has(resolve(d.path)));
  const plans: SourcePlan[] = [];
  let unreadable = 0;
  for (const d of discovered) {
    let input: OpenedInput;
    try {
      input = await openInput(d.path, o.stdin);
    } catch (e) {
      // One unreadable file (mode 640 in /var/log/nginx) must not stop the rest: named, and
      // the run ends with exit 66 once everything readable is read.
      if (!(e instanceof AuthlogError) || e.code !== 'unreadable_input') throw e;
      warnings.push(e.message);
      unreadable++;
      continue;
    }
    const plan = planSource(db, input, o.format, { logFormat: o.logFormat }, ctx, false, o.configured ?? null);
    plans.push(plan);
    const fromConf = plan.parser?.variant === o.configured?.(input.name)?.origin;
    const unread = o.logFormat || fromConf ? null : unreadFieldsWarning(plan, ctx);
    if (unread) warnings.push(unread);
  }
  const threaded = (o.writerThread ?? true) && !db.memory && ThreadSink.available() ? new ThreadSink(db.name, waitReporterOf(db)) : null;
  try {
    return await ingestPlans(db, o, plans, warnings, unreadable, ctx, threaded ?? new SqliteSink(db));
  } finally {
    await threaded?.close();
  }
}

async function ingestPlans(db: Db, o: IngestOptions, plans: SourcePlan[], warnings: string[], unreadable: number, ctx: ParseContext, sink: RowSink): Promise<IngestResult> {
  const writer = new StoreWriter(sink);
  const offsets = new Map<number, number>();
  const summaries = new Map<SourcePlan, SourceSummary>();
  const finished = (plan: SourcePlan, summary: SourceSummary) => {
    summaries.set(plan, summary);
    o.onSource?.(summary);
  };
  // Error logs and debug.log first: the access logs' 401/403s are then classified as they
  // are read, with the error lines of their time already at hand (one pass, no read-back).
  const accessPlans = plans.filter((p) => p.parser?.family === 'access');
  const ordered = [...plans.filter((p) => p.parser?.family !== 'access'), ...accessPlans];
  // Zoneless error logs are read in the access logs' offset: their first lines tell it.
  for (const plan of accessPlans) if (plan.status === 'read') for (const [off, n] of headOffsets(plan, ctx)) offsets.set(off, (offsets.get(off) ?? 0) + n);
  let classifier: OnlineClassifier | null = null;
  let history: History | null = null;
  const store = classifyStore(db);
  const lastStoredAuth = store.lastAuthTs();
  const storedUpToId = lastStoredAuth === null ? 0 : store.lastRequestId();

  let zone: Zone | null = o.tz ?? null;
  let index = 0;
  for (const plan of ordered) {
    index++;
    if (plan.status !== 'read' || !plan.parser) {
      finished(plan, summaryOf(plan, null, 0, null));
      continue;
    }
    if ((plan.parser.family !== 'access' || plan.parser.zoneless) && zone === null) zone = resolveZone(db, offsets);
    if (plan.parser.family === 'access' && classifier === null) {
      const made = historyOf(db, writer);
      history = made.history;
      const storedFailures = made.storedFailures;
      classifier = new OnlineClassifier(history, (sourceId, req, v) => writer.verdict([...verdictColumns(req, v), sourceId, req.line]), DEFAULT_CLASSIFY, storedFailures);
      if (lastStoredAuth !== null) classifier.seed(store.failuresByClientSince(lastStoredAuth - DEFAULT_CLASSIFY.bruteForce.windowMs));
    }
    const started = performance.now();
    refreshExisting(db, plan);
    // A source created by another process a moment ago comes back with its position.
    const source = plan.existing ?? createSource(db, {
      path: plan.input.name, format: plan.parser.name, variant: plan.parser.variant,
      fingerprint: plan.fingerprint, fpLen: plan.fpLen, compressed: plan.input.compressed,
    });
    const start = { offset: source.offset, lines: source.lines };
    const st = plan.input.stat;
    const bytesTotal = st && !plan.input.compressed ? st.size - start.offset : null;
    const sourceZone = plan.parser.family === 'access' && !plan.parser.zoneless ? null : zone!;
    let counts: SourceCounts;
    try {
      counts = await readSource(plan.input.contentFrom(start.offset), {
        sourceId: source.id, start, parser: plan.parser, ctx, zone: sourceZone ?? fixedZone(0), keepAll: o.keepAll, writer,
        notAfter: futureLimit(st?.mtimeMs), holdPartial: growing(plan), damage: () => plan.input.damage,
        classifier: plan.parser.family === 'access' ? classifier ?? undefined : undefined, file: plan.input.name,
        rereadable: st !== null && st.isFile() && !plan.input.compressed,
        onProgress: (bytes, lines) => o.onProgress?.({ path: plan.input.name, bytesTotal, bytes, lines, seconds: (performance.now() - started) / 1000, index, count: ordered.length }),
        // Identity goes with the last checkpoint; a file that has grown past the fingerprint
        // length gets the full-length fingerprint.
        identity: () => ({
          path: plan.input.name, dev: st?.dev ?? null, ino: st?.ino ?? null, size: st?.size ?? null, mtimeMs: st ? Math.floor(st.mtimeMs) : null,
          fingerprint: plan.fingerprint, fpLen: plan.fpLen, zone: sourceZone?.name ?? null,
        }),
      });
    } catch (e) {
      if (e instanceof DiskFull) {
        throw new AuthlogError('io', `disk full writing ${db.name}: stored up to ${plan.input.name}:${storedLines(db, source.id) ?? e.lines}; re-run after freeing space resumes there`);
      }
      if (!(e instanceof PositionConflict)) throw e;
      finished(plan, { ...summaryOf(plan, null, 0, null, source.id), status: 'conflict' });
      continue;
    }
    for (const [offset, count] of counts.offsets) offsets.set(offset, (offsets.get(offset) ?? 0) + count);
    // "read in" only where a time needed the zone (debug.log's times say UTC themselves).
    finished(plan, summaryOf(plan, counts, (performance.now() - started) / 1000, counts.zoneless > 0 ? sourceZone?.name ?? null : null, source.id));
  }
  const runOffset = dominantOffset(offsets);
  if (runOffset !== null) setMeta(db, 'access_offset', String(runOffset));
  if (classifier !== null) {
    o.onStage?.('classifying the 401/403s that waited for the lines after them');
    // What still waits is classified and written (its sources' positions are committed:
    // a kill before this leaves requests without a verdict, which classifyPending makes).
    classifier.finish();
    writer.checkpoint();
    writer.sync();
  }
  // Long 401 spans: every 401 of the span whose successes fall inside it gets the tag now.
  if (classifier !== null && history !== null) store.tagIntermittent(withSuccessesInside(classifier.longSpans(), history), (endpoint) => intermittentText(endpoint));
  // Requests stored before this run whose verdicts its lines can change: the new lines are
  // older than them or within the longest look-back of a verdict (an hour: intermittent).
  // The new lines themselves were classified in the pass; only those within the look-back
  // of a stored one are made again (an archive older than the stored logs is not read back).
  const runFrom = writer.earliestWritten;
  const c = DEFAULT_CLASSIFY;
  const lookBack = Math.max(c.intermittentMs, c.bruteForce.windowMs, c.challengeMs, c.windowMs);
  let reclassify: IngestResult['reclassify'] = null;
  if (runFrom !== null && lastStoredAuth !== null && lastStoredAuth >= runFrom - lookBack) {
    const firstStored = store.firstAuthTsFrom(runFrom - lookBack, storedUpToId) ?? runFrom;
    reclassify = { from: Math.max(runFrom, firstStored) - lookBack, to: lastStoredAuth };
  }
  return {
    sources: plans.map((p) => summaries.get(p)!), warnings, unreadable, zone: (zone ?? resolveZone(db, offsets)).name,
    reclassify,
  };
}

/**
 * The long spans whose client succeeded on the endpoint inside them: the only ones
 * tagIntermittent can tag (its query asks the same of client_ok), asked of memory first. In the
 * 1M bench most long spans are a scanner's, with no success at all: their queries were 0.5 s.
 */
function* withSuccessesInside(spans: Iterable<LongSpan>, history: History): Generator<LongSpan> {
  for (const s of spans) {
    const ok = history.successes(s.ip, s.endpoint);
    if (ok !== null && ok.priorFirstTs !== null && ok.priorLastTs !== null && ok.priorFirstTs < s.span.last && ok.priorLastTs > s.span.first) yield s;
  }
}

/**
 * The lines of a source the database holds: where a re-run resumes. Asked of the database
 * after a failed write (the writer thread may have stopped a batch or two before the reader).
 */
function storedLines(db: Db, sourceId: number): number | null {
  try {
    return (db.prepare('SELECT lines FROM sources WHERE id = ?').pluck().get(sourceId) as number | undefined) ?? null;
  } catch {
    return null;
  }
}

/** The UTC offsets the first lines of an access log show. */
function headOffsets(plan: SourcePlan, ctx: ParseContext): Map<number, number> {
  const seen = new Map<number, number>();
  const lines = plan.input.head.toString('utf8').split('\n').slice(0, 20);
  for (const line of lines) {
    const res = plan.parser!.parse(line.replace(/\r$/, ''), ctx);
    if (res.ok && res.record.kind === 'access' && res.record.offsetMin !== null) seen.set(res.record.offsetMin, (seen.get(res.record.offsetMin) ?? 0) + 1);
  }
  return seen;
}

/**
 * A plain file under its live name may still be written: its last line without a newline
 * waits for the next run. Compressed, rotated (`.1`, `-20261126`) and piped content is
 * complete when it ends.
 */
function growing(plan: SourcePlan): boolean {
  return plan.input.stat !== null && plan.input.stat.isFile() && !plan.input.compressed && rotationOf(basename(plan.input.name)).generation === 0;
}

function resolveZone(db: Db, offsets: Map<number, number>): Zone {
  return zonelessZone(null, dominantOffset(offsets), getMeta(db, 'access_offset'));
}

