/**
 * Batched writes: rows collect in memory and go to SQLite in one transaction per batch,
 * through statements prepared once. Aggregates (traffic per minute, client successes) are
 * summed in memory first so a busy log costs one upsert per key, not per line.
 */
import type { AccessRecord, LogEvent } from '../../parsers/index.js';
import type { Db } from './db.js';

export type Kept = 'auth' | 'context' | 'all';

export interface EventSignal {
  signal: string | null;
  user: string | null;
  object: string | null;
}

export interface WriteCounts {
  requests: number;
  events: number;
  rejects: number;
}

const BATCH_ROWS = 2000;
const MAX_CLIENT_KEYS = 100_000;

export function pathOf(target: string | null): string | null {
  if (target === null) return null;
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}

export class StoreWriter {
  private readonly insertRequest;
  private readonly insertEvent;
  private readonly insertReject;
  private readonly upsertTraffic;
  private readonly upsertClientOk;
  private rows: (() => void)[] = [];
  private traffic = new Map<number, number>();
  private clientOk = new Map<string, { count: number; withUser: number; first: number; last: number }>();
  readonly counts: WriteCounts = { requests: 0, events: 0, rejects: 0 };

  constructor(private readonly db: Db) {
    this.insertRequest = db.prepare(
      `INSERT OR IGNORE INTO requests (source_id, line, ts, ip, user, user_logged, method, target, path, protocol, status, bytes,
         referer, user_agent, forwarded_for, host, scheme, upstream_status, request_time, www_authenticate, extra, raw, kept)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertEvent = db.prepare(
      `INSERT OR IGNORE INTO events (source_id, line, ts, format, level, module, code, pid, conn, client, server, request,
         method, target, path, upstream, host, referrer, message, signal, signal_user, signal_object)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertReject = db.prepare('INSERT OR IGNORE INTO rejects (source_id, line, reason, excerpt) VALUES (?, ?, ?, ?)');
    this.upsertTraffic = db.prepare(
      'INSERT INTO traffic (minute, status, count) VALUES (?, ?, ?) ON CONFLICT(minute, status) DO UPDATE SET count = count + excluded.count',
    );
    this.upsertClientOk = db.prepare(
      `INSERT INTO client_ok (ip, path, count, with_user, first_ts, last_ts) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(ip, path) DO UPDATE SET count = count + excluded.count, with_user = with_user + excluded.with_user,
         first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts)`,
    );
  }

  request(sourceId: number, line: number, r: AccessRecord, raw: string, kept: Kept): void {
    const extra = Object.keys(r.extra).length > 0 ? JSON.stringify(r.extra) : null;
    this.rows.push(() =>
      this.insertRequest.run(
        sourceId, line, r.ts, r.ip, r.user, r.userLogged ? 1 : 0, r.method, r.target, pathOf(r.target), r.protocol, r.status, r.bytes,
        r.referer, r.userAgent, r.forwardedFor, r.host, r.scheme, r.upstreamStatus, r.requestTime, r.wwwAuthenticate,
        extra, raw, kept,
      ),
    );
    this.counts.requests++;
    this.maybeFlush();
  }

  event(sourceId: number, line: number, e: LogEvent, ts: number, signal: EventSignal): void {
    this.rows.push(() =>
      this.insertEvent.run(
        sourceId, line, ts, e.format, e.level, e.module, e.code, e.pid, e.conn, e.client, e.server, e.request,
        e.method, e.target, pathOf(e.target), e.upstream, e.host, e.referrer, e.message, signal.signal, signal.user, signal.object,
      ),
    );
    this.counts.events++;
    this.maybeFlush();
  }

  reject(sourceId: number, line: number, reason: string, excerpt: string): void {
    this.rows.push(() => this.insertReject.run(sourceId, line, reason, excerpt));
    this.counts.rejects++;
    this.maybeFlush();
  }

  /** Every request, kept or not, is counted here: the denominator of every share. */
  countTraffic(ts: number, status: number): void {
    const key = Math.floor(ts / 60_000) * 1000 + status;
    this.traffic.set(key, (this.traffic.get(key) ?? 0) + 1);
  }

  clientSuccess(ip: string, path: string, ts: number, withUser: boolean): void {
    const key = `${ip}\u0000${path}`;
    const agg = this.clientOk.get(key);
    if (agg) {
      agg.count++;
      if (withUser) agg.withUser++;
      if (ts < agg.first) agg.first = ts;
      if (ts > agg.last) agg.last = ts;
    } else {
      this.clientOk.set(key, { count: 1, withUser: withUser ? 1 : 0, first: ts, last: ts });
      // Bounded memory whatever the file size: spill the aggregate when it grows large.
      if (this.clientOk.size >= MAX_CLIENT_KEYS) this.flush(true);
    }
  }

  private maybeFlush(): void {
    if (this.rows.length >= BATCH_ROWS) this.flush(false);
  }

  /**
   * Rows go out every batch; the success aggregate only when large or at the end, since it
   * shrinks the more lines it has summed.
   */
  flush(withAggregates = true): void {
    const rows = this.rows;
    const traffic = this.traffic;
    const clientOk = withAggregates ? this.clientOk : new Map<string, { count: number; withUser: number; first: number; last: number }>();
    this.rows = [];
    this.traffic = new Map();
    if (withAggregates) this.clientOk = new Map();
    this.db.transaction(() => {
      for (const run of rows) run();
      for (const [key, count] of traffic) {
        const minute = Math.floor(key / 1000);
        this.upsertTraffic.run(minute * 60_000, key - minute * 1000, count);
      }
      for (const [key, agg] of clientOk) {
        const sep = key.indexOf('\u0000');
        this.upsertClientOk.run(key.slice(0, sep), key.slice(sep + 1), agg.count, agg.withUser, agg.first, agg.last);
      }
    })();
  }
}
