/**
 * A RowSink that writes on a second thread: the batch ingest reads, parses and classifies
 * on one core while SQLite writes on the other (writing was a quarter of the 1M bench's
 * ingest). The worker (sink-worker.ts) has its own connection and an SqliteSink, so every
 * batch is still one transaction with its positions, in the order given: exactly once
 * does not change, only when it happens.
 *
 * At most IN_FLIGHT batches wait (bounded memory); `write` blocks (Atomics.wait) when that
 * many do. A failure in the worker (a PositionConflict, a full disk) passes over every later
 * batch and is thrown here, on the next `write` or `drain`. Positions are taken as committed
 * when handed on (a checkpoint's position check needs the one before it): after a failure
 * the database, not the writer, says where a source stands.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { AuthlogError, busyWaitMs } from '../errors.js';
import { DEFAULT_BUDGET_MB, keepHeapBudget, setHeapBudget } from '../util/memory.js';
import type { WaitReporter } from './db.js';
import type { Batch, Row, RowSink } from './sink.js';
import { PositionConflict } from './sources.js';

/** Two: one being written while the next is filled. More only held more rows in memory. */
const IN_FLIGHT = 2;
/**
 * The worker's memory, all counted against the process's 200 MB (peak RSS, `/usr/bin/time
 * -f %M`): its heap is a batch or two and one part, collected past 8 MB (WORKER_BUDGET_MB;
 * the cap is only a last resort: a worker out of memory is noticed by the end of its thread,
 * else the wait's time limit); a 2 MB young generation and a 2 MB SQLite page cache (against 4 and 4 MB: 1M bench
 * 182-183 MB against 186-188, 6.4-7.1 s against 6.8-6.9 s; 5M 199 against 202-204 MB). The
 * reading thread collects at 32 MB of heap instead of 64 (7.05 s against 7.00 s at 48: no
 * cost measured).
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 2 };
export const WORKER_CACHE_KB = 2000;
export const WORKER_BUDGET_MB = 8;
const READER_BUDGET_MB = 32;
/** Rows a batch: 2,500 (10,000 held 13 MB more at the peak, 4 batches' worth on two heaps). */
const BATCH_ROWS = 2_500;
/** The shared counters: batches done, failed (0/1), parts posted, parts taken; the worker's thread id (Linux). */
export const DONE = 0;
export const FAILED = 1;
export const POSTED = 2;
export const TAKEN = 3;
export const THREAD = 4;

/**
 * client_ok rows travel by column, not as an array per row (the 1M bench's last checkpoint
 * holds 156k rows: tens of MB on each side that way): the clients as one text, a line each
 * (an address holds no newline), the endpoints as indexes into their few distinct names,
 * the numbers [count, withUser, https, first, last] in one typed array.
 */
export interface ClientOkColumns {
  ips: string;
  endpointNames: string[];
  endpoints: Uint32Array;
  numbers: Float64Array;
}

/**
 * `more`: further parts of its client_ok rows follow on the parts port, each with the batch's
 * `seq`. The per-minute counts travel as one typed array, [minute, source, status, count] a row.
 */
export type WireBatch = Omit<Batch, 'clientOk' | 'traffic'> & { clientOk: ClientOkColumns; traffic: Float64Array; more: boolean; seq: number };
export interface WirePart {
  seq: number;
  columns: ClientOkColumns;
  more: boolean;
}

const NUMBERS = 5;

/** At most this many client_ok rows a message (a part); the rest follow while the worker writes. */
const PART_ROWS = 16_384;

/** Up to PART_ROWS rows of `rows` as columns; `done` when none are left. */
export function columnsOf(rows: Iterator<Row>): { columns: ClientOkColumns; done: boolean } {
  const ips: string[] = [];
  const names = new Map<string, number>();
  const endpoints = new Uint32Array(PART_ROWS);
  const numbers = new Float64Array(PART_ROWS * NUMBERS);
  let done = false;
  while (ips.length < PART_ROWS) {
    const next = rows.next();
    if (next.done) {
      done = true;
      break;
    }
    const r = next.value;
    const row = ips.length;
    ips.push(r[0] as string);
    let e = names.get(r[1] as string);
    if (e === undefined) names.set(r[1] as string, (e = names.size));
    endpoints[row] = e;
    for (let i = 0; i < NUMBERS; i++) numbers[row * NUMBERS + i] = r[2 + i] as number;
  }
  const columns = { ips: ips.join('\n'), endpointNames: [...names.keys()], endpoints: endpoints.subarray(0, ips.length), numbers: numbers.subarray(0, ips.length * NUMBERS) };
  return { columns, done };
}

/**
 * The batch as the worker writes it: its client_ok rows are the first part's, then each
 * further part's as it is taken (`nextPart`), inside the one transaction.
 */
export function fromWire(b: WireBatch, nextPart: (() => ClientOkColumns | null) | null): Batch {
  return { ...b, clientOk: partsOf(b.clientOk, nextPart), traffic: trafficOf(b.traffic) };
}

const TRAFFIC_WIDTH = 4;

function trafficColumns(rows: Iterable<Row>): Float64Array {
  let out = new Float64Array(64 * TRAFFIC_WIDTH);
  let n = 0;
  for (const r of rows) {
    if (n + TRAFFIC_WIDTH > out.length) {
      const grown = new Float64Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    for (let i = 0; i < TRAFFIC_WIDTH; i++) out[n + i] = r[i] as number;
    n += TRAFFIC_WIDTH;
  }
  return out.subarray(0, n);
}

function* trafficOf(columns: Float64Array): Generator<Row> {
  const row: Row = new Array(TRAFFIC_WIDTH);
  for (let at = 0; at < columns.length; at += TRAFFIC_WIDTH) {
    for (let i = 0; i < TRAFFIC_WIDTH; i++) row[i] = columns[at + i];
    yield row;
  }
}

function* partsOf(first: ClientOkColumns, nextPart: (() => ClientOkColumns | null) | null): Generator<Row> {
  for (let part: ClientOkColumns | null = first; part !== null; part = nextPart?.() ?? null) yield* rowsOf(part);
}

/** One row array, filled anew for each row: the sink binds its values at once and keeps nothing. */
function* rowsOf({ ips, endpointNames, endpoints, numbers }: ClientOkColumns): Generator<Row> {
  const row: Row = new Array(2 + NUMBERS);
  let from = 0;
  for (let i = 0; i < endpoints.length; i++) {
    const nl = ips.indexOf('\n', from);
    row[0] = ips.slice(from, nl < 0 ? ips.length : nl);
    from = nl + 1;
    row[1] = endpointNames[endpoints[i]];
    for (let j = 0; j < NUMBERS; j++) row[2 + j] = numbers[i * NUMBERS + j];
    yield row;
  }
}

interface WorkerError {
  name: string;
  message: string;
  code: string | null;
  sourceId: number | null;
  stack: string | null;
}

const WORKER_URL = new URL('./sink-worker.js', import.meta.url);

export class ThreadSink implements RowSink {
  /** Whether the worker can run here: built code only (tests of the TypeScript sources write in place). */
  static available(): boolean {
    return WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL));
  }

  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly parts: MessagePort;
  private readonly state = new Int32Array(new SharedArrayBuffer(20));
  private posted = 0;
  readonly batchRows = BATCH_ROWS;
  private sent = 0;
  private failure: Error | null = null;
  private closed = false;
  private readonly exited: Promise<unknown>;

  constructor(path: string, private readonly onWait?: WaitReporter) {
    const { port1, port2 } = new MessageChannel();
    const parts = new MessageChannel();
    this.port = port1;
    this.parts = parts.port1;
    this.worker = new Worker(WORKER_URL, {
      workerData: { path, state: this.state, port: port2, parts: parts.port2 },
      transferList: [port2, parts.port2],
      resourceLimits: WORKER_LIMITS,
    });
    this.worker.unref();
    // Made now: a worker that already ended has no exit event left to wait for.
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
    // Seen when this thread waits no more (a worker that died is otherwise only noticed by the time limit).
    this.worker.on('error', (e) => {
      this.failure ??= e;
    });
    setHeapBudget(READER_BUDGET_MB);
  }

  write(batch: Batch): void {
    this.check();
    this.waitFor(this.sent - IN_FLIGHT + 1);
    this.check();
    const rows = batch.clientOk[Symbol.iterator]();
    let part = columnsOf(rows);
    const seq = this.sent++;
    const traffic = trafficColumns(batch.traffic);
    const wire: WireBatch = { ...batch, clientOk: part.columns, traffic, more: !part.done, seq };
    this.worker.postMessage({ batch: wire }, [...transfers(part.columns), traffic.buffer as ArrayBuffer]);
    // The rest of a big checkpoint's client_ok rows, a part at a time as the worker takes them.
    while (!part.done) {
      part = columnsOf(rows);
      this.waitForParts();
      this.check();
      this.parts.postMessage({ seq, columns: part.columns, more: !part.done } satisfies WirePart, transfers(part.columns));
      this.posted++;
      Atomics.store(this.state, POSTED, this.posted);
      Atomics.notify(this.state, POSTED);
      // A checkpoint of a full table makes 200,000 rows: their garbage is not left to pile up.
      keepHeapBudget();
    }
  }

  /** Until at most one part waits for the worker (or it failed). */
  private waitForParts(): void {
    this.waitOn(TAKEN, (taken) => this.posted - taken < 2 || Atomics.load(this.state, FAILED) === 1);
  }

  /** Every batch handed on is written (or the failure that stopped them is thrown). */
  drain(): void {
    this.waitFor(this.sent);
    this.check();
  }

  /**
   * Ends the worker, after what was handed on is written. Never throws: it runs in `finally`
   * after a failure too (which it must not hide); `drain` first says whether all was written.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    setHeapBudget(DEFAULT_BUDGET_MB);
    try {
      if (this.failure === null) this.waitFor(this.sent);
    } catch {
      // The worker is gone: the failure was (or is) thrown by `write`/`drain`.
    } finally {
      this.worker.postMessage({ close: true });
      const timer = setTimeout(() => void this.worker.terminate(), 5000);
      await this.exited;
      clearTimeout(timer);
    }
  }

  private waitFor(count: number): void {
    this.waitOn(DONE, (done) => done >= count || this.failure !== null);
  }

  /**
   * Waits until `enough` holds of the counter at `slot` (told of each change), taking the
   * worker's messages (its waits for a lock, its failure) as they come.
   */
  private waitOn(slot: number, enough: (value: number) => boolean): void {
    // A worker that stopped (killed for memory, a bug) never answers: give up past any lock wait.
    const limit = performance.now() + busyWaitMs() + 120_000;
    for (let value = Atomics.load(this.state, slot); !enough(value); value = Atomics.load(this.state, slot)) {
      Atomics.wait(this.state, slot, value, 250);
      this.takeMessages();
      this.stillThere(limit);
    }
  }

  /**
   * While this thread waits it cannot see the worker's exit event: a worker that died (out of
   * memory past its cap, killed) is seen by its thread's entry in /proc, else by the time limit.
   */
  private stillThere(limit: number): void {
    const tid = Atomics.load(this.state, THREAD);
    const gone = tid > 0 && !existsSync(`/proc/${process.pid}/task/${tid}`);
    if (gone || performance.now() > limit) throw new AuthlogError('io', 'the database writer thread stopped answering');
  }

  private takeMessages(): void {
    for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
      const msg = m.message as { wait?: number[]; error?: WorkerError };
      if (msg.wait) this.onWait?.(msg.wait);
      if (msg.error && this.failure === null) this.failure = errorOf(msg.error);
    }
  }

  private check(): void {
    if (Atomics.load(this.state, FAILED) === 1) this.takeMessages();
    const failure = this.failure;
    if (failure === null) return;
    // Another process read the same lines first: this source stops here and the run goes on
    // with the next, as when writing in this thread. The batches after it were passed over.
    if (failure instanceof PositionConflict) this.recover();
    throw failure;
  }

  /** After a PositionConflict: every batch handed on is passed over, then the worker writes again. */
  private recover(): void {
    this.waitOn(DONE, (done) => done >= this.sent);
    this.failure = null;
    Atomics.store(this.state, FAILED, 0);
  }
}

function transfers(c: ClientOkColumns): ArrayBuffer[] {
  return [c.numbers.buffer as ArrayBuffer, c.endpoints.buffer as ArrayBuffer];
}

/** The worker's error as the one the same write would have thrown here. */
function errorOf(e: WorkerError): Error {
  if (e.sourceId !== null) return new PositionConflict(e.sourceId);
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code !== null) err.code = e.code;
  if (e.stack !== null) err.stack = e.stack;
  return err;
}
