/**
 * The writing thread of a ThreadSink (see thread-sink.ts): its own connection to the
 * database, one SqliteSink, batches written in the order they come. After a failure every
 * later batch is passed over (a position must never be committed past rows that are not),
 * and the failure is told once.
 */
import { readlinkSync } from 'node:fs';
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { keepHeapBudget, setHeapBudget } from '../util/memory.js';
import { openDb } from './db.js';
import { SqliteSink, type Batch } from './sink.js';
import { PositionConflict } from './sources.js';
import { DONE, FAILED, fromWire, POSTED, TAKEN, THREAD, WORKER_BUDGET_MB, WORKER_CACHE_KB, type ClientOkColumns, type WireBatch, type WirePart } from './thread-sink.js';

interface Data {
  path: string;
  /** The counters (see thread-sink.ts). */
  state: Int32Array;
  /** Errors and waits, to the reading thread. */
  port: MessagePort;
  /** The further parts of a batch's client_ok rows. */
  parts: MessagePort;
}

const { path, state, port, parts } = workerData as Data;

// This thread's id (`PID/task/TID`), so that the reading thread can tell it ended while it waits.
try {
  Atomics.store(state, THREAD, Number(readlinkSync('/proc/thread-self').split('/').pop()));
} catch {
  // No /proc (not Linux): the wait's time limit is left.
}

/**
 * The next part of batch `seq`, waited for. Parts of a batch that failed before it took them
 * all are passed over (still counted as taken: the reading thread counts what waits).
 */
function takePart(seq: number): WirePart {
  for (;;) {
    const posted = Atomics.load(state, POSTED);
    const m = receiveMessageOnPort(parts);
    if (m === undefined) {
      Atomics.wait(state, POSTED, posted, 1000);
      continue;
    }
    Atomics.add(state, TAKEN, 1);
    Atomics.notify(state, TAKEN);
    const part = m.message as WirePart;
    if (part.seq === seq) return part;
  }
}

// Its live data is a batch and the ids of 401/403s waiting for their verdicts: what every
// batch leaves behind (promoted while it is written) is collected well before the heap's cap.
setHeapBudget(WORKER_BUDGET_MB);
const db = openDb(path, 'existing', (pids) => port.postMessage({ wait: pids }));
db.pragma(`cache_size = -${WORKER_CACHE_KB}`);
const sink = new SqliteSink(db);

parentPort!.on('message', (m: { batch?: WireBatch; close?: boolean }) => {
  if (m.close) {
    db.close();
    parentPort!.close();
    return;
  }
  if (Atomics.load(state, FAILED) === 0) {
    try {
      let more = m.batch!.more;
      const nextPart = (): ClientOkColumns | null => {
        if (!more) return null;
        const part = takePart(m.batch!.seq);
        more = part.more;
        return part.columns;
      };
      sink.write(fromWire(m.batch!, nextPart) as Batch);
    } catch (e) {
      const err = e as Error & { code?: unknown };
      port.postMessage({
        error: { name: err.name, message: err.message, code: typeof err.code === 'string' ? err.code : null, sourceId: e instanceof PositionConflict ? e.sourceId : null, stack: err.stack ?? null },
      });
      Atomics.store(state, FAILED, 1);
    }
  }
  Atomics.add(state, DONE, 1);
  Atomics.notify(state, DONE);
  keepHeapBudget();
});
