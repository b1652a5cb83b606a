/**
 * Batched writes: rows collect in memory and go to the sink in batches. Aggregates (traffic
 * per minute, client successes) are summed in memory first so a busy log costs one upsert
 * per key, not per line.
 *
 * Exactly once: counts (traffic, successes, a source's stored/rejected tallies) are written
 * only in a checkpoint, the one transaction that also moves every source's position to the
 * line boundary its counted lines end at. Rows (requests, events, rejects) are unique per
 * (source, line), so rows written ahead of a checkpoint and read again after a kill are
 * ignored, never doubled.
 */
import type { AccessRecord, LogEvent } from '../../parsers/index.js';
import { emptyBatch, type Batch, type Row, type RowSink } from './sink.js';
import type { SourceProgress } from './sources.js';
import { ClientIndex, SuccessAggregate, type Successes } from './success-aggregate.js';

export type Kept = 'auth' | 'context' | 'all';

export interface EventSignal {
  signal: string | null;
  user: string | null;
  object: string | null;
}

/** Rows are written in batches of this many (idempotent: unique per source and line). */
const BATCH_ROWS = 10_000;
/**
 * A checkpoint (counts, aggregates, positions) after this many rows or this long: each one
 * rewrites every client_ok row touched since the last, so they are rarer than row batches.
 * A kill re-reads at most this much.
 */
const CHECKPOINT_ROWS = 400_000;
const CHECKPOINT_MS = 15_000;

/** A source being read: where its counted lines end now, for a checkpoint. */
export interface PositionSource {
  /** The position to commit, or null when nothing changed since the last commit. */
  progress(): SourceProgress | null;
  /** The checkpoint holding `progress()` committed. */
  committed(p: SourceProgress): void;
}

/**
 * The "endpoint" a success is counted under: the first two directories of its path
 * (`/api/v1/`, `/wp-json/wp/`, `/staging/`; `/img/1.webp` → `/img/`). Auth is configured per location prefix, so this is the grain
 * that "it worked here before" needs, and it keeps the aggregate small.
 */
export function endpointOf(path: string): string {
  const first = path.indexOf('/', 1);
  if (first < 0) return path;
  const second = path.indexOf('/', first + 1);
  return path.slice(0, (second < 0 ? first : second) + 1);
}

export function pathOf(target: string | null): string | null {
  if (target === null) return null;
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}

/**
 * Collects rows and sums aggregates; hands them to a sink in batches. Knows nothing of
 * SQL: the sink does (src/store/sink.ts).
 */
export class StoreWriter {
  private batch: Batch = emptyBatch();
  private pending = 0;
  /** source id → (minute * 1000 + status) → count. */
  private traffic = new Map<number, Map<number, number>>();
  /** The map of the source counted last: a source's lines come in runs, so one lookup per run. */
  private trafficOf: { sourceId: number; counts: Map<number, number> } | null = null;
  /**
   * The minute (and source) being counted, by status, summed into `traffic` when the minute
   * changes: a map update per line (its key past 2^31, a heap number) cost more than the rest
   * of counting.
   */
  private minute = NaN;
  private minuteSource = -1;
  private readonly byStatus = new Int32Array(1000);
  private readonly statuses: number[] = [];
  readonly clients = new ClientIndex();
  private clientOk = new SuccessAggregate(this.clients);
  /** Earliest time of a 401/403 or log event written since the last take (live re-classification). */
  private touchedFrom = Infinity;
  /** Earliest time of anything written (a batch ingest re-classifies from there). */
  private earliest = Infinity;
  private readonly positions = new Set<PositionSource>();
  /** Enough has collected: the next line boundary should checkpoint. */
  due = false;
  /** A batch of rows is ready: write it at the next line (any line: rows are idempotent). */
  rowsDue = false;
  private sinceCheckpoint = 0;
  private checkpointedAt = performance.now();

  constructor(private readonly sink: RowSink) {
    // Client ids are about to be reused: what is summed under them must be written first.
    // Ids are taken before a line writes anything, so this is a line boundary.
    this.clients.onClear = () => {
      this.checkpoint();
      this.clientOk.reset();
    };
  }

  /** This run's successes of `ip` at `endpoint` so far (null: none in memory; see `successesSpilled`). */
  successes(ip: string, endpoint: string): Successes | null {
    return this.clientOk.get(this.clients.find(ip), this.clientOk.endpoints.find(endpoint));
  }

  /** The client succeeded with a Basic user in this run (false may mean: only the database knows, see `successesSpilled`). */
  basicOk(ip: string): boolean {
    const id = this.clients.find(ip);
    return id >= 0 && this.clients.basicOk[id] === 1;
  }

  /** Part of this run's successes went to the database only (memory stays bounded). */
  get successesSpilled(): boolean {
    return this.clientOk.spilled;
  }

  /** The client succeeded over https in this run (false may mean: only the database knows). */
  httpsOk(ip: string): boolean {
    const id = this.clients.find(ip);
    return id >= 0 && this.clients.httpsOk[id] === 1;
  }

  /** A 401/403's verdict, stored against the request row of (source, line). */
  verdict(row: Row): void {
    this.batch.verdicts.push(row);
    this.added();
  }

  /** Sources whose positions go into every checkpoint until detached. */
  attach(p: PositionSource): void {
    this.positions.add(p);
  }

  detach(p: PositionSource): void {
    this.positions.delete(p);
  }

  /** `offset`: where the line starts in its source's (decompressed) content. */
  request(sourceId: number, line: number, r: AccessRecord, raw: string | null, kept: Kept, offset: number): void {
    const extra = Object.keys(r.extra).length > 0 ? JSON.stringify(r.extra) : null;
    const path = pathOf(r.target);
    if (r.ts < this.touchedFrom && (r.status === 401 || r.status === 403)) this.touchedFrom = r.ts;
    this.batch.requests.push([
      sourceId, line, r.ts, r.ip, r.user, r.userLogged ? 1 : 0, r.method, r.target, path, path === null ? null : endpointOf(path), r.protocol, r.status, r.bytes,
      r.referer, r.userAgent, r.forwardedFor, r.host, r.scheme, r.upstreamStatus, r.requestTime, r.wwwAuthenticate, extra, raw, kept, offset,
    ]);
    this.added();
  }

  event(sourceId: number, line: number, e: LogEvent, ts: number, signal: EventSignal): void {
    if (ts < this.earliest) this.earliest = ts;
    if (signal.signal !== null && ts < this.touchedFrom) this.touchedFrom = ts;
    this.batch.events.push([
      sourceId, line, ts, e.format, e.level, e.module, e.code, e.pid, e.conn, e.client, e.server, e.request,
      e.method, e.target, pathOf(e.target), e.upstream, e.host, e.referrer, e.message, signal.signal, signal.user, signal.object,
    ]);
    this.added();
  }

  reject(sourceId: number, line: number, reason: string, excerpt: string): void {
    this.batch.rejects.push([sourceId, line, reason, excerpt]);
    this.added();
  }

  /** Every request, kept or not, is counted here: the denominator of every share. */
  countTraffic(sourceId: number, ts: number, status: number): void {
    if (ts < this.earliest) this.earliest = ts;
    const minute = Math.floor(ts / 60_000);
    if (minute !== this.minute || sourceId !== this.minuteSource) {
      this.flushMinute();
      this.minute = minute;
      this.minuteSource = sourceId;
    }
    if (status >= 0 && status < 1000 && Number.isInteger(status)) {
      if (this.byStatus[status]++ === 0) this.statuses.push(status);
    } else this.addTraffic(sourceId, minute, status, 1);
  }

  /** The minute being counted, into the per-source maps. */
  private flushMinute(): void {
    for (const status of this.statuses) {
      this.addTraffic(this.minuteSource, this.minute, status, this.byStatus[status]);
      this.byStatus[status] = 0;
    }
    this.statuses.length = 0;
  }

  private addTraffic(sourceId: number, minute: number, status: number, n: number): void {
    const key = minute * 1000 + status;
    let t = this.trafficOf;
    if (t === null || t.sourceId !== sourceId) {
      let counts = this.traffic.get(sourceId);
      if (!counts) this.traffic.set(sourceId, (counts = new Map()));
      t = this.trafficOf = { sourceId, counts };
    }
    t.counts.set(key, (t.counts.get(key) ?? 0) + n);
  }

  /** The id `clientSuccess` takes for an endpoint (see `endpointOf`). */
  endpointId(endpoint: string): number {
    return this.clientOk.endpoints.idOfString(endpoint);
  }

  /** The endpoint of the path in `buf[start, end)`, as an id: the fast path's `endpointId(endpointOf(path))`. */
  endpointIdOfBytes(buf: Buffer, start: number, end: number): number {
    let first = -1;
    let second = -1;
    for (let i = start + 1; i < end; i++) {
      if (buf[i] !== 0x2f) continue;
      if (first < 0) first = i;
      else {
        second = i;
        break;
      }
    }
    return this.clientOk.endpoints.idOf(buf, start, first < 0 ? end : (second < 0 ? first : second) + 1);
  }

  /** `client` is an id from `this.clients`, `endpoint` one from `endpointId`. */
  clientSuccess(client: number, endpoint: number, ts: number, withUser: boolean, https: boolean): void {
    // Bounded memory whatever the file size: spill the aggregate when it is full (at the
    // end of this line: the table has room for one more line's worth).
    if (withUser) this.clients.basicOk[client] = 1;
    if (https) this.clients.httpsOk[client] = 1;
    if (this.clientOk.add(client, endpoint, ts, withUser, https)) this.due = true;
  }

  /**
   * Everything handed to the sink is in the database: before this process reads back what
   * it wrote (the sink may write on another thread, see ThreadSink).
   */
  sync(): void {
    this.sink.drain?.();
    this.checkpointUnsynced = false;
  }

  /**
   * The checkpoints handed to the sink are in the database (what `sync` does, only when one
   * was handed on since): the per-client sums are written only in checkpoints, so a reader of
   * them need not wait for the row batches after. Once the sums spilled (the 5M bench), every
   * 401's history asks the database: a full sync each time kept the two threads in step.
   */
  syncCheckpoints(): void {
    if (this.checkpointUnsynced) this.sync();
  }

  private checkpointUnsynced = false;

  /** Earliest log time of any request or event written, or null when none was. */
  get earliestWritten(): number | null {
    return this.earliest === Infinity ? null : this.earliest;
  }

  /** Earliest time that new rows could change verdicts for, or null; resets. */
  takeTouchedFrom(): number | null {
    const t = this.touchedFrom;
    this.touchedFrom = Infinity;
    return t === Infinity ? null : t;
  }

  private added(): void {
    if (++this.pending >= (this.sink.batchRows ?? BATCH_ROWS)) {
      this.rowsDue = true;
      if (this.sinceCheckpoint + this.pending >= CHECKPOINT_ROWS || performance.now() - this.checkpointedAt >= CHECKPOINT_MS) this.due = true;
    }
  }

  /**
   * Rows only (idempotent): the live view writes what arrived every round and checkpoints
   * every few seconds, since the aggregates shrink the more lines they have summed.
   */
  flushRows(): void {
    const batch = this.batch;
    this.batch = emptyBatch();
    this.sinceCheckpoint += this.pending;
    this.pending = 0;
    this.rowsDue = false;
    this.sink.write(batch);
  }

  /**
   * Rows, counts, aggregates and every attached source's position in one transaction. Call
   * only at a line boundary of every attached source (their `progress()` says where).
   * On a PositionConflict nothing is written and what was collected is dropped.
   */
  checkpoint(): void {
    const batch = this.batch;
    this.batch = emptyBatch();
    this.pending = 0;
    this.due = false;
    this.rowsDue = false;
    this.sinceCheckpoint = 0;
    this.checkpointedAt = performance.now();
    this.flushMinute();
    // Made a row at a time as the sink writes them: a checkpoint over days of log holds
    // 100,000 and more minute-status counts (the 5M bench), a peak as arrays.
    batch.traffic = trafficRows(this.traffic);
    this.traffic = new Map();
    this.trafficOf = null;
    batch.clientOk = this.clientOk.takeChanged();
    if (this.clientOk.full) this.clientOk.reset();
    const sources: [PositionSource, SourceProgress][] = [];
    for (const p of this.positions) {
      const progress = p.progress();
      if (progress) sources.push([p, progress]);
    }
    batch.progress = sources.map(([, progress]) => progress);
    this.sink.write(batch);
    this.checkpointUnsynced = true;
    for (const [p, progress] of sources) p.committed(progress);
  }
}

function* trafficRows(traffic: Map<number, Map<number, number>>): Generator<Row> {
  for (const [sourceId, counts] of traffic) {
    for (const [key, count] of counts) {
      const minute = Math.floor(key / 1000);
      yield [minute * 60_000, sourceId, key - minute * 1000, count];
    }
  }
}
