/**
 * `authlog ship`: sends what changed in the local database to a fleet store, batch by batch.
 * A batch is one range of the outbox, (from, to]; its rows carry the global key (host,
 * source, line; a count change its own outbox place) and version `to`, and each insert
 * carries `host:from-to:table` as its deduplication token. The position moves only after every table of the batch is
 * acknowledged; a crash or an unreachable store leaves the batch to the next run.
 */
import { readFileSync } from 'node:fs';
import type { ClickHouseClient } from '@clickhouse/client';
import { AuthlogError } from '../errors.js';
import type { Db } from '../store/db.js';
import { packageFile } from '../cli/paths.js';
import { acknowledge, backlog, enableOutbox, markPending, readBatch, type OutboxRow } from './outbox.js';

export const DEFAULT_RETENTION_DAYS = 90;

/** The schema file with the database name and retention filled in, as statements. */
export function schemaStatements(database: string, retentionDays: number): string[] {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(database)) throw new AuthlogError('bad_option', `"${database}" is not a database name`);
  if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 36_500) throw new AuthlogError('bad_option', '--retention-days takes a whole number of days, 1 to 36500');
  const text = readFileSync(packageFile('schema/clickhouse.sql'), 'utf8')
    .replace(/^--.*$/gm, '')
    .replaceAll('{{db}}', database)
    .replaceAll('{{ttl_days}}', String(retentionDays));
  return text.split(/;\s*$/m).map((s) => s.trim()).filter(Boolean);
}

export async function applySchema(client: ClickHouseClient, database: string, retentionDays: number): Promise<number> {
  const statements = schemaStatements(database, retentionDays);
  for (const query of statements) await client.command({ query });
  return statements.length;
}

interface VerdictRow {
  request_id: number; ts: number; status: number; ip: string; user: string | null; path: string | null; user_agent: string | null;
  benign: number; cause: string; confidence: string; layer: string; rule: string; tags: string; evidence: string; fix: string;
  line: number; method: string | null; target: string | null; vhost: string | null; scheme: string | null; source: string; file: string;
}

export interface BatchRows {
  verdicts: Record<string, unknown>[];
  traffic: Record<string, unknown>[];
  client_ok: Record<string, unknown>[];
  rejects: Record<string, unknown>[];
  sources: Record<string, unknown>[];
}

/** The rows of one outbox range, as the fleet tables hold them. */
export function batchRows(db: Db, host: string, to: number, changes: OutboxRow[]): BatchRows {
  const verdict = db.prepare(`SELECT v.*, r.line, r.method, r.target, r.host AS vhost, r.scheme, coalesce(s.key, 'source-' || s.id) AS source, s.path AS file
    FROM verdicts v JOIN requests r ON r.id = v.request_id JOIN sources s ON s.id = r.source_id WHERE v.request_id = ?`);
  const ok = db.prepare('SELECT * FROM client_ok WHERE ip = ? AND path = ?');
  const reject = db.prepare(`SELECT x.line, x.reason, x.excerpt, coalesce(s.key, 'source-' || s.id) AS source, s.path AS file
    FROM rejects x JOIN sources s ON s.id = x.source_id WHERE x.source_id = ? AND x.line = ?`);
  const sourceKeys = new Map((db.prepare("SELECT id, coalesce(key, 'source-' || id) AS key FROM sources").all() as { id: number; key: string }[]).map((s) => [s.id, s.key]));
  const out: BatchRows = { verdicts: [], traffic: [], client_ok: [], rejects: [], sources: [] };
  const seenVerdicts = new Set<number>();
  const seenOk = new Set<string>();
  // Newest first, so each key is taken once, in its latest state.
  for (let i = changes.length - 1; i >= 0; i--) {
    const c = changes[i];
    if (c.kind === 'v') {
      if (seenVerdicts.has(c.request_id!)) continue;
      seenVerdicts.add(c.request_id!);
      const v = verdict.get(c.request_id) as VerdictRow | undefined;
      if (!v) continue; // re-classified later in this range: its newer row is in the range too
      out.verdicts.push({
        host, source: v.source, line: v.line, file: v.file, ts: v.ts, status: v.status, ip: v.ip, user: v.user, method: v.method, target: v.target, vhost: v.vhost, scheme: v.scheme,
        path: v.path, user_agent: v.user_agent, benign: v.benign, cause: v.cause, confidence: v.confidence, layer: v.layer,
        rule: v.rule, tags: JSON.parse(v.tags) as string[], evidence: v.evidence, fix: v.fix, version: to,
      });
    } else if (c.kind === 't') {
      // Each change is its own row, keyed by its place in the outbox: sent again in any batch, it replaces itself.
      const source = c.source_id === 0 ? 'legacy' : sourceKeys.get(c.source_id!) ?? `source-${c.source_id}`;
      if (c.delta !== 0) out.traffic.push({ host, source, minute: c.minute, status: c.status, seq: c.seq, count: c.delta, version: c.seq });
    } else if (c.kind === 'o') {
      const key = `${c.ip}\u0000${c.path}`;
      if (seenOk.has(key)) continue;
      seenOk.add(key);
      const r = ok.get(c.ip, c.path) as { ip: string; path: string; count: number; with_user: number; https: number; first_ts: number; last_ts: number } | undefined;
      if (r) out.client_ok.push({ host, ...r, version: to });
    } else if (c.kind === 'r') {
      const r = reject.get(c.source_id, c.line) as { line: number; reason: string; excerpt: string; source: string; file: string } | undefined;
      if (r) out.rejects.push({ host, ...r, shipped_at: Math.floor(Date.now() / 1000), version: to });
    }
  }
  if (changes.length > 0) {
    for (const s of db.prepare(`SELECT coalesce(key, 'source-' || id) AS source, path, format, variant, compressed, offset, lines, stored, rejected, invalid_utf8, zone, updated_at FROM sources`).all() as Record<string, unknown>[]) {
      out.sources.push({ host, ...s, version: to });
    }
  }
  return out;
}

export interface ShipResult {
  batches: number;
  verdicts: number;
  trafficRows: number;
  changes: number;
  backlog: number;
  firstShip: boolean;
}

export interface ShipOptions {
  host: string;
  target: string;
  batchSize: number;
  /** Called after each acknowledged batch (progress). */
  onBatch?: (r: ShipResult) => void;
  /** Stop after this many batches (tests: a ship cut short). */
  maxBatches?: number;
}

/** Ships until the outbox is empty (or maxBatches). Throws what the store threw; nothing unacknowledged is marked shipped. */
export async function ship(db: Db, client: ClickHouseClient, o: ShipOptions): Promise<ShipResult> {
  const result: ShipResult = { batches: 0, verdicts: 0, trafficRows: 0, changes: 0, backlog: 0, firstShip: enableOutbox(db) };
  for (;;) {
    if (o.maxBatches !== undefined && result.batches >= o.maxBatches) break;
    const { from, to, rows } = readBatch(db, o.target, o.batchSize);
    if (rows.length === 0) break;
    const batch = batchRows(db, o.host, to, rows);
    markPending(db, o.target, to);
    for (const table of ['sources', 'rejects', 'client_ok', 'traffic', 'verdicts'] as const) {
      if (batch[table].length === 0) continue;
      await client.insert({
        table, values: batch[table], format: 'JSONEachRow',
        clickhouse_settings: { insert_deduplication_token: `${o.host}:${from}-${to}:${table}`, async_insert: 0 },
      });
    }
    acknowledge(db, o.target, to, batch.verdicts.length + batch.traffic.length + batch.client_ok.length + batch.rejects.length);
    result.batches++;
    result.changes += rows.length;
    result.verdicts += batch.verdicts.length;
    result.trafficRows += batch.traffic.length;
    o.onBatch?.({ ...result, backlog: backlog(db, o.target).changes });
  }
  result.backlog = backlog(db, o.target).changes;
  return result;
}
