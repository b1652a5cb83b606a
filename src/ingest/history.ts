/**
 * What one-pass classification knows of clients: this run's in-memory aggregates, and the
 * database only for what earlier runs stored (or this run spilled to keep memory bounded).
 * A fresh ingest of one log never asks the database about a client; an ingest into a database
 * that holds earlier runs asks only about the clients those runs stored.
 */
import type { History } from '../classify/online.js';
import { classifyStore, type PriorSuccess } from '../store/classify-io.js';
import type { Db } from '../store/db.js';
import type { StoreWriter } from '../store/writer.js';

/**
 * The clients a database held before this run, as a sorted array of 32-bit hashes (4 bytes a
 * client, not a string set): a client not in it was never stored, so its history is this
 * run's, in memory. A hash shared by chance only costs a lookup that finds nothing.
 */
export class StoredClients {
  private constructor(private readonly hashes: Uint32Array) {}

  static of(db: Db): StoredClients {
    const list: number[] = [];
    for (const sql of ['SELECT DISTINCT ip FROM client_ok', 'SELECT DISTINCT ip FROM requests INDEXED BY requests_auth_ts WHERE status IN (401, 403)']) {
      for (const ip of db.prepare(sql).pluck().iterate() as IterableIterator<string>) list.push(hash(ip));
    }
    return new StoredClients(Uint32Array.from(list).sort());
  }

  has(ip: string): boolean {
    const h = hash(ip);
    let lo = 0;
    let hi = this.hashes.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.hashes[mid];
      if (v === h) return true;
      if (v < h) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

/** FNV-1a over the UTF-16 code units: fast, and spread enough for a membership pre-check. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function historyOf(db: Db, writer: StoreWriter): { history: History; storedFailures: boolean } {
  const store = classifyStore(db);
  const stored = store.storedCounts();
  // Asked per 401/403, these lookups took a third of an ingest into a database holding
  // earlier runs (1M lines: 14 s against 7.4 s fresh); most clients of a new run are new.
  const known = stored.successes || stored.failures ? StoredClients.of(db) : null;
  const storedBefore = (ip: string) => known !== null && known.has(ip);
  // What the database answers includes this run's checkpoints: written first.
  const askDb = (ip: string) => {
    const ask = writer.successesSpilled || (stored.successes && storedBefore(ip));
    if (ask) writer.syncCheckpoints();
    return ask;
  };
  const history: History = {
    successes(ip, endpoint): PriorSuccess | null {
      const mem = writer.successes(ip, endpoint);
      const row = askDb(ip) ? store.storedSuccesses(ip, endpoint) : null;
      if (!row) {
        return mem && { priorCount: mem.count, priorWithUser: mem.withUser, priorHttps: mem.https, priorFirstTs: mem.first, priorLastTs: mem.last };
      }
      if (!mem) return row;
      // The database holds what checkpoints wrote, this run's included: add only what they have not.
      return {
        priorCount: (row.priorCount ?? 0) + mem.unwritten.count,
        priorWithUser: (row.priorWithUser ?? 0) + mem.unwritten.withUser,
        priorHttps: (row.priorHttps ?? 0) + mem.unwritten.https,
        priorFirstTs: Math.min(row.priorFirstTs ?? Infinity, mem.first),
        priorLastTs: Math.max(row.priorLastTs ?? -Infinity, mem.last),
      };
    },
    basicOk: (ip) => writer.basicOk(ip) || (askDb(ip) && store.storedBasicOk(ip)),
    httpsOk: (ip) => writer.httpsOk(ip) || (askDb(ip) && store.storedHttpsOk(ip)),
    storedFailureSpan: (ip, endpoint) => {
      if (!storedBefore(ip)) return null;
      writer.sync();
      return store.storedFailureSpan(ip, endpoint);
    },
    // Error and debug.log lines are read (and written: readSource syncs at its end) before
    // any access log: nothing of theirs is still on its way.
    signalEvents: (from, to) => store.signalEvents(from, to),
  };
  return { history, storedFailures: stored.failures };
}
