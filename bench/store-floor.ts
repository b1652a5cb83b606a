/**
 * The SQLite floor of an ingest: the rows a run stored (401/403s and their verdicts, error-log
 * events, per-client success rows, per-minute counts), written alone into a fresh database through
 * the same sink, in the same batches. No parsing at all: whatever the parser's speed, an
 * ingest cannot be faster than this.
 */
import { rmSync } from 'node:fs';
import { openDb, type Db } from '../src/store/db.js';
import { emptyBatch, SqliteSink, type Batch, type Row } from '../src/store/sink.js';

const BATCH = 5000;

export function storeFloorMs(from: Db, scratchPath: string): number {
  const read = (sql: string) => from.prepare(sql).raw().all() as Row[];
  const tables: [keyof Batch, Row[]][] = [
    ['requests', read(`SELECT r.source_id, r.line, r.ts, r.ip, r.user, r.user_logged, r.method, r.target, r.path, r.endpoint, r.protocol, r.status, r.bytes,
      rf.text, ua.text, r.forwarded_for, r.host, r.scheme, r.upstream_status, r.request_time, r.www_authenticate, r.extra, r.raw, r.kept, r.offset
      FROM requests r LEFT JOIN texts rf ON rf.id = r.referer_id LEFT JOIN texts ua ON ua.id = r.user_agent_id ORDER BY r.id`)],
    // After the requests, as in an ingest: each finds its request by the id the insert returned.
    ['verdicts', read(`SELECT v.ts, v.status, v.ip, v.user, v.path, v.benign, v.cause, v.confidence, v.layer, v.rule, v.tags, ev.text, fx.text, r.source_id, r.line
      FROM verdicts v JOIN requests r ON r.id = v.request_id JOIN texts ev ON ev.id = v.evidence_id JOIN texts fx ON fx.id = v.fix_id ORDER BY r.id`)],
    ['events', read(`SELECT source_id, line, ts, format, level, module, code, pid, conn, client, server, request,
      method, target, path, upstream, host, referrer, message, signal, signal_user, signal_object FROM events ORDER BY id`)],
    ['clientOk', read('SELECT ip, path, count, with_user, https, first_ts, last_ts FROM client_ok ORDER BY ip, path')],
    ['traffic', read('SELECT minute, source_id, status, count FROM traffic')],
  ];
  const sources = read('SELECT id, path, format, fingerprint, fp_len, updated_at FROM sources');
  for (const suffix of ['', '-wal', '-shm']) rmSync(scratchPath + suffix, { force: true });
  const to = openDb(scratchPath);
  const addSource = to.prepare('INSERT INTO sources (id, path, format, fingerprint, fp_len, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
  for (const s of sources) addSource.run(s);
  const sink = new SqliteSink(to);
  const started = performance.now();
  for (const [table, rows] of tables) {
    for (let i = 0; i < rows.length; i += BATCH) {
      const batch = emptyBatch();
      (batch as unknown as Record<string, unknown[]>)[table] = rows.slice(i, i + BATCH);
      sink.write(batch);
    }
  }
  const ms = performance.now() - started;
  to.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(scratchPath + suffix, { force: true });
  return ms;
}
