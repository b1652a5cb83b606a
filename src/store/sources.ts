import type { Db } from './db.js';

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

export function createSource(db: Db, s: NewSource): number {
  const info = db
    .prepare(
      `INSERT INTO sources (path, format, variant, fingerprint, fp_len, compressed, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(s.path, s.format, s.variant, s.fingerprint, s.fpLen, s.compressed ? 1 : 0, Date.now());
  return Number(info.lastInsertRowid);
}

export interface SourceProgress {
  path: string;
  dev: number | null;
  ino: number | null;
  size: number | null;
  mtimeMs: number | null;
  fingerprint: string;
  fpLen: number;
  offset: number;
  lines: number;
  stored: number;
  rejected: number;
  invalidUtf8: number;
  zone: string | null;
}

/**
 * A source's position after a read: counts are added to what earlier runs read; position
 * and identity are replaced. The sink runs it in the transaction of the source's last rows.
 */
export const RECORD_PROGRESS_SQL = `UPDATE sources SET path = ?, dev = ?, ino = ?, size = ?, mtime_ms = ?, fingerprint = ?, fp_len = ?,
    offset = ?, lines = ?, stored = stored + ?, rejected = rejected + ?, invalid_utf8 = invalid_utf8 + ?,
    zone = COALESCE(?, zone), updated_at = ?
  WHERE id = ?`;

export function progressParams(id: number, p: SourceProgress): (string | number | null)[] {
  return [p.path, p.dev, p.ino, p.size, p.mtimeMs, p.fingerprint, p.fpLen, p.offset, p.lines, p.stored, p.rejected, p.invalidUtf8, p.zone, Date.now(), id];
}

/** A live source's position and counts so far (identity fields stay as they are). */
export function recordPosition(db: Db, id: number, p: { path: string; offset: number; lines: number; stored: number; rejected: number }): void {
  db.prepare(
    `UPDATE sources SET path = ?, offset = ?, lines = ?, stored = stored + ?, rejected = rejected + ?, updated_at = ? WHERE id = ?`,
  ).run(p.path, p.offset, p.lines, p.stored, p.rejected, Date.now(), id);
}
