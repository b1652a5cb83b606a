import { pidAlive, writeTransaction, type Db } from './db.js';

export interface SourceRow {
  id: number;
  path: string;
  format: string;
  variant: string | null;
  dev: number | null;
  ino: number | null;
  size: number | null;
  mtime_ms: number | null;
  fingerprint: string;
  fp_len: number;
  compressed: number;
  offset: number;
  lines: number;
  stored: number;
  rejected: number;
  invalid_utf8: number;
  zone: string | null;
  key: string | null;
  owner_pid: number | null;
}

export function sourceByPath(db: Db, path: string): SourceRow | undefined {
  return db.prepare('SELECT * FROM sources WHERE path = ? ORDER BY updated_at DESC, id DESC LIMIT 1').get(path) as SourceRow | undefined;
}

/** Fingerprint lengths in use: a short file's fingerprint covers fewer bytes than a long one's. */
export function fingerprintLengths(db: Db): number[] {
  return (db.prepare('SELECT DISTINCT fp_len FROM sources').all() as { fp_len: number }[]).map((r) => r.fp_len);
}

/** The source with this content, whatever its name now (a rotated or copied file). */
export function sourceByFingerprint(db: Db, fingerprint: string, fpLen: number): SourceRow | undefined {
  return db
    .prepare('SELECT * FROM sources WHERE fingerprint = ? AND fp_len = ? ORDER BY offset DESC LIMIT 1')
    .get(fingerprint, fpLen) as SourceRow | undefined;
}

export interface NewSource {
  path: string;
  format: string;
  variant: string;
  fingerprint: string;
  fpLen: number;
  compressed: boolean;
}

/**
 * A new source, or the one another process created for the same content a moment ago (in
 * one write transaction, so two processes never create two sources for one file).
 */
export function createSource(db: Db, s: NewSource): SourceRow {
  return writeTransaction(db, db.transaction(() => {
    const existing = sourceByFingerprint(db, s.fingerprint, s.fpLen);
    if (existing) return existing;
    const info = db
      .prepare(
        `INSERT INTO sources (path, format, variant, fingerprint, fp_len, compressed, updated_at, key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.path, s.format, s.variant, s.fingerprint, s.fpLen, s.compressed ? 1 : 0, Date.now(), s.fingerprint.slice(0, 16));
    return db.prepare('SELECT * FROM sources WHERE id = ?').get(Number(info.lastInsertRowid)) as SourceRow;
  }));
}

/**
 * The live authlog process (not this one) that follows the source, or null. A pid left by a
 * killed process is no claim: it must still run and still be registered as a writer.
 */
export function followerOf(db: Db, row: Pick<SourceRow, 'owner_pid'>): number | null {
  const pid = row.owner_pid;
  if (pid === null || pid === process.pid || !pidAlive(pid)) return null;
  return db.prepare('SELECT 1 FROM writers WHERE pid = ?').get(pid) !== undefined ? pid : null;
}

/**
 * `follow` claims the sources it reads, so that `ingest` and another `follow` leave them to
 * it. Returns the pid of the live process that holds the claim instead, or null when this
 * process holds it now.
 */
export function claimSource(db: Db, id: number): number | null {
  return writeTransaction(db, db.transaction(() => {
    const row = db.prepare('SELECT owner_pid FROM sources WHERE id = ?').get(id) as Pick<SourceRow, 'owner_pid'> | undefined;
    const other = row ? followerOf(db, row) : null;
    if (other !== null) return other;
    db.prepare('UPDATE sources SET owner_pid = ? WHERE id = ?').run(process.pid, id);
    return null;
  }));
}

/**
 * A follow that starts at the end of a file never read: the source's position moves to that
 * end, so the lines before it are not read later either (as tail -F). Only from nothing read:
 * false when another process has read it meanwhile.
 */
export function skipTo(db: Db, id: number, offset: number, lines: number): boolean {
  const move = db.transaction(() => db.prepare('UPDATE sources SET offset = ?, lines = ?, updated_at = ? WHERE id = ? AND offset = 0 AND lines = 0').run(offset, lines, Date.now(), id).changes === 1);
  return writeTransaction(db, move);
}

/** Gives up every claim of this process (a follow that ends). */
export function releaseSources(db: Db): void {
  if (!db.open || db.readonly) return;
  try {
    db.prepare('UPDATE sources SET owner_pid = NULL WHERE owner_pid = ?').run(process.pid);
  } catch {
    // A database that cannot be written now: the claim dies with this pid.
  }
}

/**
 * A source's identity as last seen (name, inode, size, mtime, fingerprint): written when a
 * run reaches the source's end, so the next run's "unchanged" check is exact.
 */
export interface SourceIdentity {
  path: string;
  dev: number | null;
  ino: number | null;
  size: number | null;
  mtimeMs: number | null;
  fingerprint: string;
  fpLen: number;
  zone: string | null;
}

/**
 * A source's new position, committed in the transaction of the rows and counts its bytes
 * produced (a checkpoint). `from` is the position this process last committed (or started
 * at): the update applies only if the row still holds it, so two processes can never both
 * add the same lines; the loser's transaction is rolled back (PositionConflict).
 */
export interface SourceProgress {
  sourceId: number;
  from: { offset: number; lines: number };
  offset: number;
  lines: number;
  stored: number;
  rejected: number;
  invalidUtf8: number;
  identity: SourceIdentity | null;
}

export const RECORD_PROGRESS_SQL = `UPDATE sources SET path = COALESCE(?, path), dev = COALESCE(?, dev), ino = COALESCE(?, ino), size = COALESCE(?, size),
    mtime_ms = COALESCE(?, mtime_ms), fingerprint = COALESCE(?, fingerprint), fp_len = COALESCE(?, fp_len),
    offset = ?, lines = ?, stored = stored + ?, rejected = rejected + ?, invalid_utf8 = invalid_utf8 + ?,
    zone = COALESCE(?, zone), updated_at = ?
  WHERE id = ? AND offset = ? AND lines = ?`;

export function progressParams(p: SourceProgress): (string | number | null)[] {
  const i = p.identity;
  return [
    i?.path ?? null, i?.dev ?? null, i?.ino ?? null, i?.size ?? null, i?.mtimeMs ?? null, i?.fingerprint ?? null, i?.fpLen ?? null,
    p.offset, p.lines, p.stored, p.rejected, p.invalidUtf8, i?.zone ?? null, Date.now(), p.sourceId, p.from.offset, p.from.lines,
  ];
}

/** Another process committed lines of this source since this one read its position. */
export class PositionConflict extends Error {
  constructor(readonly sourceId: number) {
    super(`source ${sourceId} was read by another authlog process at the same time`);
    this.name = 'PositionConflict';
  }
}
