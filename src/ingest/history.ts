/**
 * What one-pass classification knows of clients: this run's in-memory aggregates, and the
 * database only for what earlier runs stored (or this run spilled to keep memory bounded).
 * A fresh ingest of one log never asks the database about a client.
 */
import type { History } from '../classify/online.js';
import { classifyStore, type PriorSuccess } from '../store/classify-io.js';
import type { Db } from '../store/db.js';
import type { StoreWriter } from '../store/writer.js';

export function historyOf(db: Db, writer: StoreWriter): { history: History; storedFailures: boolean } {
  const store = classifyStore(db);
  const stored = store.storedCounts();
  const askDb = () => stored.successes || writer.successesSpilled;
  const history: History = {
    successes(ip, endpoint): PriorSuccess | null {
      const mem = writer.successes(ip, endpoint);
      const row = askDb() ? store.storedSuccesses(ip, endpoint) : null;
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
    basicOk: (ip) => writer.basicOk(ip) || (askDb() && store.storedBasicOk(ip)),
    httpsOk: (ip) => writer.httpsOk(ip) || (askDb() && store.storedHttpsOk(ip)),
    storedFailureSpan: (ip, endpoint) => store.storedFailureSpan(ip, endpoint),
    signalEvents: (from, to) => store.signalEvents(from, to),
  };
  return { history, storedFailures: stored.failures };
}
