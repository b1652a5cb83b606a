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
import { acknowledge, backlog, enableOutbox, markPending, nextBatch } from './outbox.js';

export const DEFAULT_RETENTION_DAYS = 90;
/**
 * ClickHouse's DateTime ends in 2106: a TTL beyond it wraps to the past and drops every row on
 * insert (100 years did, silently). Ten years is far inside it.
 */
export const MAX_RETENTION_DAYS = 3650;

/** The schema file with the database name and retention filled in, as statements. */
export function schemaStatements(database: string, retentionDays: number): string[] {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(database)) throw new AuthlogError('bad_option', `"${database}" is not a database name`);
  if (!Number.isInteger(retentionDays) || retentionDays < 0 || retentionDays > MAX_RETENTION_DAYS) {
    throw new AuthlogError('bad_option', `--retention-days takes a whole number of days, 1 to ${MAX_RETENTION_DAYS}, or 0 to keep rows until deleted`);
  }
  const text = readFileSync(packageFile('schema/clickhouse.sql'), 'utf8')
    .replace(/^--.*$/gm, '')
    // 0: no expiry (the TTL lines go).
    .replace(retentionDays === 0 ? /^TTL .*$/gm : /$^/, '')
    .replaceAll('{{db}}', database)
    .replaceAll('{{ttl_days}}', String(retentionDays));
  return text.split(/;\s*$/m).map((s) => s.trim()).filter(Boolean);
}

export async function applySchema(client: ClickHouseClient, database: string, retentionDays: number): Promise<number> {
  const statements = schemaStatements(database, retentionDays);
  for (const query of statements) await client.command({ query });
  return statements.length;
}

export interface BatchRows {
  verdicts: Record<string, unknown>[];
  traffic: Record<string, unknown>[];
  client_ok: Record<string, unknown>[];
  rejects: Record<string, unknown>[];
  sources: Record<string, unknown>[];
}

const SOURCE_KEY = "coalesce(s.key, 'source-' || s.id)";

/**
 * The rows of the outbox range (from, to], as the fleet tables hold them: each verdict,
 * client's successes and rejected line in its current state (once, however often it changed
 * in the range), each count change as its own row. Set-based: one query per table.
 */
export function batchRows(db: Db, host: string, from: number, to: number): BatchRows {
  const range = [from, to];
  const verdicts = (db.prepare(`SELECT v.ts, v.status, v.ip, v.user, v.path, ua.text AS user_agent, v.benign, v.cause, v.confidence, v.layer, v.rule, v.tags,
      ev.text AS evidence, fx.text AS fix, r.line, r.method, r.target, r.host AS vhost, r.scheme, ${SOURCE_KEY} AS source, s.path AS file
    FROM (SELECT DISTINCT request_id FROM outbox WHERE seq > ? AND seq <= ? AND kind = 'v') o
    JOIN verdicts v ON v.request_id = o.request_id JOIN requests r ON r.id = v.request_id JOIN sources s ON s.id = r.source_id
    JOIN texts ev ON ev.id = v.evidence_id JOIN texts fx ON fx.id = v.fix_id LEFT JOIN texts ua ON ua.id = r.user_agent_id`).all(...range) as Record<string, unknown>[]);
  for (const v of verdicts) {
    v.host = host;
    v.tags = JSON.parse(v.tags as string) as string[];
    v.version = to;
  }
  // Each change is its own row, keyed by its place in the outbox: sent again in any batch, it replaces itself.
  const traffic = db.prepare(`SELECT ? AS host, CASE WHEN o.source_id = 0 THEN 'legacy' ELSE ${SOURCE_KEY} END AS source, o.minute, o.status,
      o.seq, o.delta AS count, o.seq AS version
    FROM outbox o LEFT JOIN sources s ON s.id = o.source_id WHERE o.seq > ? AND o.seq <= ? AND o.kind = 't' AND o.delta <> 0`).all(host, ...range) as Record<string, unknown>[];
  const clientOk = db.prepare(`SELECT ? AS host, c.ip, c.path, c.count, c.with_user, c.https, c.first_ts, c.last_ts, ? AS version
    FROM (SELECT DISTINCT ip, path FROM outbox WHERE seq > ? AND seq <= ? AND kind = 'o') o JOIN client_ok c ON c.ip = o.ip AND c.path = o.path`).all(host, to, ...range) as Record<string, unknown>[];
  const rejects = db.prepare(`SELECT ? AS host, ${SOURCE_KEY} AS source, x.line, s.path AS file, x.reason, x.excerpt, ? AS shipped_at, ? AS version
    FROM (SELECT DISTINCT source_id, line FROM outbox WHERE seq > ? AND seq <= ? AND kind = 'r') o
    JOIN rejects x ON x.source_id = o.source_id AND x.line = o.line JOIN sources s ON s.id = x.source_id`).all(host, Math.floor(Date.now() / 1000), to, ...range) as Record<string, unknown>[];
  const sources = db.prepare(`SELECT ? AS host, ${SOURCE_KEY} AS source, s.path, s.format, s.variant, s.compressed, s.offset, s.lines, s.stored, s.rejected,
      s.invalid_utf8, s.zone, s.updated_at, ? AS version FROM sources s`).all(host, to) as Record<string, unknown>[];
  return { verdicts, traffic, client_ok: clientOk, rejects, sources };
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
    const { from, to, changes } = nextBatch(db, o.target, o.batchSize);
    if (changes === 0) break;
    const batch = batchRows(db, o.host, from, to);
    markPending(db, o.target, to);
    // The tables of a batch go in at once; the position moves when all of them are in.
    const sent = await Promise.allSettled((['sources', 'rejects', 'client_ok', 'traffic', 'verdicts'] as const).filter((table) => batch[table].length > 0).map((table) =>
      client.insert({
        table, values: batch[table], format: 'JSONEachRow',
        clickhouse_settings: { insert_deduplication_token: `${o.host}:${from}-${to}:${table}`, async_insert: 0 },
      })));
    const failed = sent.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    acknowledge(db, o.target, to, batch.verdicts.length + batch.traffic.length + batch.client_ok.length + batch.rejects.length);
    result.batches++;
    result.changes += changes;
    result.verdicts += batch.verdicts.length;
    result.trafficRows += batch.traffic.length;
    o.onBatch?.({ ...result, backlog: backlog(db, o.target).changes });
  }
  result.backlog = backlog(db, o.target).changes;
  return result;
}
