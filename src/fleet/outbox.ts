/**
 * The local database as the outbox of `authlog ship`. Triggers note every change to what a
 * fleet store holds (verdicts, per-minute traffic, clients' successes, rejected lines) in the
 * `outbox` table, in the same transaction as the change, so a change is never lost between
 * the write and the ship. A fleet store acknowledges a position in that log; rows every
 * store has acknowledged are pruned.
 *
 * Sequence numbers start at the moment the outbox was opened × 1000: they are the version
 * of the rows shipped (ClickHouse's ReplacingMergeTree keeps the highest), and a database
 * made again later starts above the old one's, so its verdicts replace the old ones.
 */
import type { Db } from '../store/db.js';
import { AuthlogError } from '../errors.js';
import { sanitize } from '../util/sanitize.js';
import { getMeta, setMeta, writeTransaction } from '../store/db.js';

const TRIGGERS = `
CREATE TRIGGER IF NOT EXISTS outbox_verdict_insert AFTER INSERT ON verdicts
BEGIN INSERT INTO outbox (kind, request_id) VALUES ('v', NEW.request_id); END;
CREATE TRIGGER IF NOT EXISTS outbox_verdict_update AFTER UPDATE ON verdicts
BEGIN INSERT INTO outbox (kind, request_id) VALUES ('v', NEW.request_id); END;
CREATE TRIGGER IF NOT EXISTS outbox_traffic_insert AFTER INSERT ON traffic
BEGIN INSERT INTO outbox (kind, minute, source_id, status, delta) VALUES ('t', NEW.minute, NEW.source_id, NEW.status, NEW.count); END;
CREATE TRIGGER IF NOT EXISTS outbox_traffic_update AFTER UPDATE ON traffic WHEN NEW.count <> OLD.count
BEGIN INSERT INTO outbox (kind, minute, source_id, status, delta) VALUES ('t', NEW.minute, NEW.source_id, NEW.status, NEW.count - OLD.count); END;
CREATE TRIGGER IF NOT EXISTS outbox_ok_insert AFTER INSERT ON client_ok
BEGIN INSERT INTO outbox (kind, ip, path) VALUES ('o', NEW.ip, NEW.path); END;
CREATE TRIGGER IF NOT EXISTS outbox_ok_update AFTER UPDATE ON client_ok
BEGIN INSERT INTO outbox (kind, ip, path) VALUES ('o', NEW.ip, NEW.path); END;
CREATE TRIGGER IF NOT EXISTS outbox_reject_insert AFTER INSERT ON rejects
BEGIN INSERT INTO outbox (kind, source_id, line) VALUES ('r', NEW.source_id, NEW.line); END;
`;

export function outboxEnabled(db: Db): boolean {
  return db.prepare("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'outbox_verdict_insert') AS e").pluck().get() === 1;
}

/**
 * Starts noting changes, once per database: creates the triggers and, in the same
 * transaction, puts everything the database already holds in the outbox (a first ship sends
 * it all). Returns whether it did so now.
 */
export function enableOutbox(db: Db): boolean {
  return writeTransaction(db, db.transaction(() => {
    if (outboxEnabled(db)) return false;
    const base = Date.now() * 1000;
    db.prepare("DELETE FROM sqlite_sequence WHERE name = 'outbox'").run();
    db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)").run(base);
    db.exec(TRIGGERS);
    db.exec(`
      INSERT INTO outbox (kind, request_id) SELECT 'v', request_id FROM verdicts ORDER BY ts, request_id;
      INSERT INTO outbox (kind, minute, source_id, status, delta) SELECT 't', minute, source_id, status, count FROM traffic ORDER BY minute;
      INSERT INTO outbox (kind, ip, path) SELECT 'o', ip, path FROM client_ok;
      INSERT INTO outbox (kind, source_id, line) SELECT 'r', source_id, line FROM rejects ORDER BY id;
    `);
    return true;
  }));
}

/** The name this database ships under: given once (--host), else the machine's host name; then kept. */
export function shipHost(db: Db, given: string | undefined, fallback: string): { host: string; conflict: string | null } {
  const stored = getMeta(db, 'ship_host');
  if (stored !== null) return { host: stored, conflict: given !== undefined && given !== stored ? stored : null };
  const host = given ?? fallback;
  writeTransaction(db, db.transaction(() => setMeta(db, 'ship_host', host)));
  return { host, conflict: null };
}

export interface TargetState {
  position: number;
  pending: number | null;
  shippedRows: number;
  shippedAt: number | null;
}

export function targetState(db: Db, target: string): TargetState {
  const row = db.prepare('SELECT position, pending, shipped_rows, shipped_at FROM ship_targets WHERE target = ?').get(target) as
    | { position: number; pending: number | null; shipped_rows: number; shipped_at: number | null }
    | undefined;
  return row ? { position: row.position, pending: row.pending, shippedRows: row.shipped_rows, shippedAt: row.shipped_at } : { position: 0, pending: null, shippedRows: 0, shippedAt: null };
}

/** One database ships to one store: what one store acknowledged is pruned, so a second would miss it. */
export function checkOneTarget(db: Db, target: string): void {
  const others = db.prepare('SELECT target FROM ship_targets WHERE target <> ?').pluck().all(target) as string[];
  if (others.length > 0 && targetState(db, target).shippedAt === null) {
    throw new AuthlogError('bad_option', `this database ships to ${sanitize(others[0])}; one fleet store per database (ship there, or start a new database)`);
  }
}

/** What a target has not acknowledged: changes, and the time of the oldest. */
export function backlog(db: Db, target: string): { changes: number; head: number } {
  const { position } = targetState(db, target);
  const r = db.prepare('SELECT count(*) AS n, coalesce(max(seq), 0) AS head FROM outbox WHERE seq > ?').get(position) as { n: number; head: number };
  return { changes: r.n, head: r.head };
}

/**
 * The next batch after the target's position, as a range (from, to] of at most `limit`
 * changes, and at least up to a batch sent but not acknowledged.
 */
export function nextBatch(db: Db, target: string, limit: number): { from: number; to: number; changes: number } {
  const { position, pending } = targetState(db, target);
  const end = db.prepare('SELECT max(seq) FROM (SELECT seq FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?)').pluck().get(position, limit) as number | null;
  const to = Math.max(end ?? position, pending !== null && pending > position ? pending : position);
  const changes = to > position ? (db.prepare('SELECT count(*) FROM outbox WHERE seq > ? AND seq <= ?').pluck().get(position, to) as number) : 0;
  return { from: position, to, changes };
}

/** Notes a batch as sent, before it is: a retry after a crash then covers at least as much. */
export function markPending(db: Db, target: string, to: number): void {
  writeTransaction(db, db.transaction(() => {
    db.prepare(`INSERT INTO ship_targets (target, position, pending) VALUES (?, 0, ?)
      ON CONFLICT(target) DO UPDATE SET pending = max(coalesce(pending, 0), excluded.pending)`).run(target, to);
  }));
}

/** The store acknowledged the batch: move the position, and prune what every target has. */
export function acknowledge(db: Db, target: string, to: number, rows: number): void {
  writeTransaction(db, db.transaction(() => {
    db.prepare(`INSERT INTO ship_targets (target, position, shipped_rows, shipped_at) VALUES (?, ?, ?, ?)
      ON CONFLICT(target) DO UPDATE SET position = excluded.position, shipped_rows = shipped_rows + excluded.shipped_rows,
        shipped_at = excluded.shipped_at, pending = CASE WHEN pending <= excluded.position THEN NULL ELSE pending END`).run(target, to, rows, Date.now());
    const low = db.prepare('SELECT min(position) FROM ship_targets').pluck().get() as number;
    db.prepare('DELETE FROM outbox WHERE seq <= ?').run(low);
  }));
}
