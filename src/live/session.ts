/**
 * A live session: sources that grow (a pipe, followed files) feed one writer; a tick every
 * quarter second writes what arrived, records each source's position, re-classifies the
 * recent past (an explaining error line may arrive after its 401) and reports every verdict
 * that is new or changed.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { FormatChoice, LogParser, ParseContext } from '../../parsers/index.js';
import { classifySpan, DEFAULT_CLASSIFY } from '../classify/index.js';
import { planSource, type SourcePlan } from '../ingest/plan.js';
import type { ConfiguredFormat } from '../ingest/server-conf.js';
import { createLineProcessor, futureLimit, type LineProcessor } from '../ingest/read-source.js';
import { dominantOffset, fixedZone, zonelessZone, type Zone } from '../ingest/zone.js';
import { readInto } from '../read/lines.js';
import type { OpenedInput } from '../read/open.js';
import { getMeta, setMeta, type Db } from '../store/db.js';
import { QueryRunner } from '../store/queries.js';
import { SqliteSink } from '../store/sink.js';
import { claimSource, createSource, PositionConflict, sourceByFingerprint, type SourceRow } from '../store/sources.js';
import { AuthlogError } from '../errors.js';
import { StoreWriter } from '../store/writer.js';
import { toEventRow, type EventQueryRow, type EventRow } from '../report/event-rows.js';

export interface LiveOptions {
  format: FormatChoice;
  logFormat?: string;
  /** The format each access log has in the server's configuration (--nginx-conf, --apache-conf). */
  configured?: (file: string) => ConfiguredFormat | null;
  tz?: Zone;
  keepAll: boolean;
  queries: QueryRunner;
}

export interface LiveSource {
  name: string;
  sourceId: number;
  parser: LogParser;
  processor: LineProcessor;
  lastLineAt: number;
  input: RoundGate;
  done: Promise<unknown>;
}

export interface TickResult {
  /** New verdicts, and earlier ones whose verdict changed (same file and line). */
  events: EventRow[];
  lines: number;
}

/**
 * Lines a round may read before reading waits for its tick: catching up on a big file (follow
 * --from-start of a day's log) or a reader of the NDJSON that does not keep up then holds the
 * lines in their file, not in memory (follow --from-start of the 1M bench log: 356 MiB peak
 * read in one go, 202-206 MiB at 50k lines a round, 190-198 MiB at 25k, caught up as fast).
 */
const MAX_ROUND_LINES = 25_000;

/** Passes the content on, holding a chunk while the round is full (see MAX_ROUND_LINES). */
class RoundGate extends Transform {
  private held: (() => void) | null = null;

  constructor(
    private readonly full: () => boolean,
    private readonly onHold: () => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (!this.full()) done(null, chunk);
    else {
      this.held = () => done(null, chunk);
      this.onHold();
    }
  }

  open(): void {
    const held = this.held;
    this.held = null;
    held?.();
  }
}

/** After this long without a new line, a waiting multi-line entry (a stack trace) is complete. */
const ENTRY_QUIET_MS = 500;
const RECENT_MS = 10 * 60_000;
const AGGREGATE_MS = 5_000;

export class LiveSession {
  private readonly writer: StoreWriter;
  readonly sources: LiveSource[] = [];
  private readonly ctx: ParseContext = { year: new Date().getUTCFullYear() };
  private readonly emitted = new Map<string, { signature: string; ts: number }>();
  private linesSinceTick = 0;
  private closing = false;
  /** Called when a round is full and reading waits: the caller may tick now rather than at its timer. */
  onRoundFull?: () => void;
  private aggregatesAt = 0;
  totalLines = 0;

  constructor(
    readonly db: Db,
    private readonly o: LiveOptions,
  ) {
    this.writer = new StoreWriter(new SqliteSink(db));
  }

  private cachedZone: { key: number; zone: Zone } | null = null;

  /**
   * Zone of zoneless error logs, asked for each of their lines: recomputed only when an
   * access log has shown a new offset.
   */
  private zone(): Zone {
    let key = 0;
    for (const s of this.sources) key += s.processor.counts.offsets.size;
    if (this.cachedZone?.key !== key) {
      const offset = dominantOffset(...this.sources.map((s) => s.processor.counts.offsets));
      this.cachedZone = { key, zone: zonelessZone(this.o.tz, offset, getMeta(this.db, 'access_offset')) };
    }
    return this.cachedZone.zone;
  }

  plan(input: OpenedInput, follow = false): SourcePlan {
    return planSource(this.db, input, this.o.format, { logFormat: this.o.logFormat }, this.ctx, follow, this.o.configured ?? null);
  }

  /**
   * Start reading a planned source from its content stream; lines are handled as they come.
   * `holdPartial` (a followed file): a last line still without its newline when the session
   * ends is left for the next run; a rotated-away file or a pipe ends complete.
   */
  add(plan: SourcePlan, content: Readable, startOffset: number, holdPartial: () => boolean = () => false): LiveSource {
    const parser = plan.parser!;
    const row = plan.existing ?? createSource(this.db, {
      path: plan.input.name, format: parser.name, variant: parser.variant, fingerprint: plan.fingerprint, fpLen: plan.fpLen, compressed: plan.input.compressed,
    });
    return this.start(plan, row, content, startOffset, holdPartial);
  }

  /** Start reading a claimed source (see `claim`). */
  addClaimed(plan: SourcePlan, row: SourceRow, content: Readable, startOffset: number, holdPartial: () => boolean): LiveSource {
    return this.start(plan, row, content, startOffset, holdPartial);
  }

  /**
   * A file to follow: its source claimed first, so that ingest and other follows leave it
   * alone. `heldBy` is the pid of another live authlog that follows it (then nothing is
   * claimed); else `row` holds the position to go on from.
   */
  claim(plan: SourcePlan): { row: SourceRow; heldBy: number | null } {
    const parser = plan.parser!;
    const row = plan.existing ?? createSource(this.db, {
      path: plan.input.name, format: parser.name, variant: parser.variant, fingerprint: plan.fingerprint, fpLen: plan.fpLen, compressed: plan.input.compressed,
    });
    const heldBy = claimSource(this.db, row.id);
    // Re-read after the claim: an ingest may have read on since the plan was made.
    return { row: sourceByFingerprint(this.db, row.fingerprint, row.fp_len) ?? row, heldBy };
  }

  private start(plan: SourcePlan, row: SourceRow, content: Readable, startOffset: number, holdPartial: () => boolean): LiveSource {
    const parser = plan.parser!;
    // Lines are numbered on from the committed position when reading resumes there.
    const start = { offset: startOffset, lines: row.offset === startOffset ? row.lines : 0 };
    const processor = createLineProcessor({
      sourceId: row.id, start, parser, ctx: this.ctx, zone: parser.family === 'access' && !parser.zoneless ? fixedZone(0) : () => this.zone(), keepAll: this.o.keepAll,
      writer: this.writer, notAfter: futureLimit(null), rereadable: plan.input.stat !== null && plan.input.stat.isFile() && !plan.input.compressed,
    });
    const input = new RoundGate(() => !this.closing && this.linesSinceTick >= MAX_ROUND_LINES, () => this.onRoundFull?.());
    const source: LiveSource = { name: plan.input.name, sourceId: row.id, parser, processor, lastLineAt: Date.now(), input, done: Promise.resolve() };
    // Ordinary requests are counted from the read buffer (the ingest fast path); the rest
    // are decoded and parsed in full.
    const fast = processor.bytes;
    source.done = readInto(input, start.lines, {
      bytes: fast && ((buf, s, e, lineNo, endOffset) => {
        if (!fast(buf, s, e, lineNo, endOffset)) return false;
        this.counted(source);
        return true;
      }),
      line: (text, lineNo, overflow, endOffset) => {
        this.counted(source);
        processor.line(text, lineNo, overflow, endOffset);
      },
    }, { holdPartial }).then(() => processor.finish());
    content.on('error', (e) => input.destroy(e));
    // A reader that failed takes nothing more: whoever waits to hand it content must not wait on.
    input.on('close', () => content.destroy());
    content.pipe(input);
    this.sources.push(source);
    return source;
  }

  private counted(source: LiveSource): void {
    source.lastLineAt = Date.now();
    this.linesSinceTick++;
    this.totalLines++;
  }

  /**
   * Write what arrived, re-classify the recent past, report changes. Rows go out every round
   * (unique per line: written again after a kill, they are ignored); counts, aggregates and
   * positions together every few seconds, in one checkpoint.
   */
  tick(now = Date.now()): TickResult {
    const limit = futureLimit(null);
    for (const s of this.sources) s.processor.setNotAfter(limit);
    for (const s of this.sources) if (s.processor.pending && now - s.lastLineAt >= ENTRY_QUIET_MS) s.processor.flushEntry();
    if (now - this.aggregatesAt >= AGGREGATE_MS) {
      this.aggregatesAt = now;
      this.checkpoint();
    } else this.writer.flushRows();
    const from = this.writer.takeTouchedFrom();
    const lines = this.linesSinceTick;
    this.linesSinceTick = 0;
    for (const s of this.sources) s.input.open();
    if (from === null) return { events: [], lines };
    // From the correlation window before the new lines, or further back where a burst
    // crossing its threshold now re-tags its earlier failures (they are emitted again).
    const since = classifySpan(this.db, DEFAULT_CLASSIFY, from - DEFAULT_CLASSIFY.windowMs, Infinity, this.writer).from ?? from;
    const events: EventRow[] = [];
    for (const raw of this.o.queries.iterate<EventQueryRow>('events', { since })) {
      const key = `${raw.source}:${raw.line}`;
      const signature = `${raw.cause}|${raw.confidence}|${raw.layer}|${raw.tags}`;
      const seen = this.emitted.get(key);
      if (seen?.signature === signature) continue;
      this.emitted.set(key, { signature, ts: raw.ts });
      events.push(toEventRow(raw));
    }
    if (this.emitted.size > 50_000) for (const [id, e] of this.emitted) if (e.ts < since - RECENT_MS) this.emitted.delete(id);
    return { events, lines };
  }

  private checkpoint(): void {
    try {
      this.writer.checkpoint();
    } catch (e) {
      if (e instanceof PositionConflict) {
        const name = this.sources.find((s) => s.sourceId === e.sourceId)?.name ?? `source ${e.sourceId}`;
        throw new AuthlogError('busy', `${name} was read by another authlog process at the same time: stop the other one (one process follows a log)`);
      }
      throw e;
    }
    const offset = dominantOffset(...this.sources.map((s) => s.processor.counts.offsets));
    if (offset !== null) setMeta(this.db, 'access_offset', String(offset));
  }

  /** No more rounds: every source reads on to its end without waiting for a tick. */
  draining(): void {
    this.closing = true;
    for (const s of this.sources) s.input.open();
  }

  /** End every source, wait for their last lines, and write everything. */
  async close(): Promise<TickResult> {
    this.draining();
    for (const s of this.sources) s.input.end();
    await Promise.allSettled(this.sources.map((s) => s.done));
    this.aggregatesAt = -Infinity;
    return this.tick(Number.MAX_SAFE_INTEGER);
  }
}
