/** Triage marks: what the operator says is expected or handled. */
import type { Db } from './db.js';

export type SuppressionKind = 'client' | 'user' | 'path';
export type SuppressionState = 'expected' | 'handled';

export interface Suppression {
  id: number;
  kind: SuppressionKind;
  value: string;
  state: SuppressionState;
  created_at: number;
}

export function addSuppression(db: Db, kind: SuppressionKind, value: string, state: SuppressionState): void {
  db.prepare(
    `INSERT INTO suppressions (kind, value, state, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(kind, value) DO UPDATE SET state = excluded.state`,
  ).run(kind, value, state, Date.now());
}

export function listSuppressions(db: Db): Suppression[] {
  return db.prepare('SELECT id, kind, value, state, created_at FROM suppressions ORDER BY id').all() as Suppression[];
}

/** By id, or by kind and value. Returns how many were removed. */
export function removeSuppression(db: Db, idOrKind: number | SuppressionKind, value?: string): number {
  const info = typeof idOrKind === 'number'
    ? db.prepare('DELETE FROM suppressions WHERE id = ?').run(idOrKind)
    : db.prepare('DELETE FROM suppressions WHERE kind = ? AND value = ?').run(idOrKind, value ?? '');
  return info.changes;
}
