/**
 * The SQLite floor of an ingest: the rows a run stored (401/403s in full, error-log events,
 * per-client success rows, per-minute counts), written alone into a fresh database through
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
    ['requests', read(`SELECT source_id, line, ts, ip, user, user_logged, method, target, path, endpoint, protocol, status, bytes,
      referer, user_agent, forwarded_for, host, scheme, upstream_status, request_time, www_authenticate, extra, raw, kept FROM requests ORDER BY id`)],
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
