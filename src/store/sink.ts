/**
 * Where batched rows go. The SQLite sink writes a batch in one transaction through
 * statements prepared once.
 */
import { writeTransaction, type Db } from './db.js';
import { PositionConflict, RECORD_PROGRESS_SQL, progressParams, type SourceProgress } from './sources.js';

export type Row = (string | number | null)[];

export interface Batch {
  requests: Row[];
  events: Row[];
  rejects: Row[];
  /** [minute start (ms), status, count] */
  traffic: Row[];
  /** [ip, endpoint, count, withUser, https, firstTs, lastTs], sorted by ip and endpoint */
  clientOk: Iterable<Row>;
  /** [ts, status, ip, user, path, user agent, benign, cause, confidence, layer, rule, tags, evidence, fix, source id, line]. After `requests`, so a verdict finds its request row. */
  verdicts: Row[];
  /** Each source's new position, committed with the rows and counts its bytes produced (a checkpoint). */
  progress: SourceProgress[];
}

export interface RowSink {
  write(batch: Batch): void;
}

/**
 * A verdict written with the rows of its pass: its request is found by (source, line).
 * REPLACE: a classification cut short is redone, and two processes classifying one span
 * write the same verdict.
 */
const INSERT_VERDICT_BY_LINE_SQL = `INSERT OR REPLACE INTO verdicts (request_id, ts, status, ip, user, path, user_agent, benign, cause, confidence, layer, rule, tags, evidence, fix)
  SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM requests WHERE source_id = ? AND line = ?`;

export function emptyBatch(): Batch {
  return { requests: [], events: [], rejects: [], traffic: [], clientOk: [], verdicts: [], progress: [] };
}

export class SqliteSink implements RowSink {
  private readonly run: (batch: Batch) => void;

  constructor(db: Db) {
    const insertRequest = db.prepare(
      `INSERT OR IGNORE INTO requests (source_id, line, ts, ip, user, user_logged, method, target, path, endpoint, protocol, status, bytes,
         referer, user_agent, forwarded_for, host, scheme, upstream_status, request_time, www_authenticate, extra, raw, kept)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertEvent = db.prepare(
      `INSERT OR IGNORE INTO events (source_id, line, ts, format, level, module, code, pid, conn, client, server, request,
         method, target, path, upstream, host, referrer, message, signal, signal_user, signal_object)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertReject = db.prepare('INSERT OR IGNORE INTO rejects (source_id, line, reason, excerpt) VALUES (?, ?, ?, ?)');
    const upsertTraffic = db.prepare(
      'INSERT INTO traffic (minute, source_id, status, count) VALUES (?, ?, ?, ?) ON CONFLICT(minute, source_id, status) DO UPDATE SET count = count + excluded.count',
    );
    const upsertClientOk = db.prepare(
      `INSERT INTO client_ok (ip, path, count, with_user, https, first_ts, last_ts) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(ip, path) DO UPDATE SET count = count + excluded.count, with_user = with_user + excluded.with_user,
         https = https + excluded.https,
         first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts)`,
    );
    const insertVerdict = db.prepare(INSERT_VERDICT_BY_LINE_SQL);
    const recordProgress = db.prepare(RECORD_PROGRESS_SQL);
    // IMMEDIATE: the write lock is taken first, so the position check below sees the last
    // commit of any other process and no other can commit between check and write.
    const run = db.transaction((b: Batch) => {
      for (const r of b.requests) insertRequest.run(r);
      for (const r of b.events) insertEvent.run(r);
      for (const r of b.rejects) insertReject.run(r);
      for (const r of b.traffic) upsertTraffic.run(r);
      for (const r of b.clientOk) upsertClientOk.run(r);
      for (const r of b.verdicts) insertVerdict.run(r);
      for (const p of b.progress) {
        if (recordProgress.run(progressParams(p)).changes === 0) throw new PositionConflict(p.sourceId);
      }
    });
    this.run = (b) => writeTransaction(db, run, b);
  }

  write(batch: Batch): void {
    this.run(batch);
  }
}
