/**
 * The writer thread (ThreadSink) stores what the in-thread SqliteSink stores, batch for batch:
 * a big checkpoint's client_ok rows in parts inside one transaction, a PositionConflict
 * thrown here and the writing going on after it (its batch's late parts passed over), any
 * other failure thrown on every later write. The worker runs from the built code (`npm test`
 * builds first), as the CLI runs it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import type { Row } from '../../src/store/sink.js';
import { useTempDir } from '../helpers.js';

const dist = '../../dist/src/store/';
const { openDb } = (await import(`${dist}db.js`)) as typeof import('../../src/store/db.js');
const { emptyBatch, SqliteSink } = (await import(`${dist}sink.js`)) as typeof import('../../src/store/sink.js');
const { ThreadSink } = (await import(`${dist}thread-sink.js`)) as typeof import('../../src/store/thread-sink.js');
const { createSource, PositionConflict } = (await import(`${dist}sources.js`)) as typeof import('../../src/store/sources.js');

const tmp = useTempDir();
const T0 = 1_700_000_000_000;

function request(sourceId: number, line: number, status: number): Row {
  return [sourceId, line, T0 + line, `192.0.2.${line % 250}`, null, 1, 'GET', '/x', '/x', '/x', 'HTTP/1.1', status, 0,
    `https://ref/${line % 7}`, `ua ${line % 5}`, null, null, null, null, null, null, null, null, 'auth', line * 100];
}
function verdict(sourceId: number, line: number): Row {
  return [T0 + line, 401, `192.0.2.${line % 250}`, null, '/x', 0, 'no_credentials', 'heuristic', 'unknown', 'r', '[]', `[{"text":"e${line % 3}"}]`, 'fix', sourceId, line];
}
function clientOk(n: number, salt: number): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) rows.push([`10.${salt}.${i >> 8}.${i & 255}`, `/p${i % 9}/`, 1 + (i % 3), i % 2, 0, T0 + i, T0 + i + salt]);
  return rows;
}

function setUp(name: string): { db: Db; sourceId: number } {
  const db = openDb(join(tmp(), name));
  const sourceId = createSource(db, { path: 'access.log', format: 'access', variant: 'combined', fingerprint: 'f', fpLen: 1, compressed: false }).id;
  return { db, sourceId };
}

const dump = (db: Db) => ({
  requests: db.prepare('SELECT r.line, r.ip, rf.text AS referer, ua.text AS ua FROM requests r LEFT JOIN texts rf ON rf.id = r.referer_id LEFT JOIN texts ua ON ua.id = r.user_agent_id ORDER BY r.line').all(),
  verdicts: db.prepare('SELECT r.line, v.cause, t.text AS evidence FROM verdicts v JOIN requests r ON r.id = v.request_id JOIN texts t ON t.id = v.evidence_id ORDER BY r.line').all(),
  clientOk: db.prepare('SELECT * FROM client_ok ORDER BY ip, path').all(),
  traffic: db.prepare('SELECT * FROM traffic ORDER BY minute, source_id, status').all(),
  sources: db.prepare('SELECT id, offset, lines FROM sources').all(),
});

describe('ThreadSink', () => {
  it('stores what SqliteSink stores, a 40,000-row client_ok checkpoint included (in parts, one transaction)', async () => {
    const batches = (sourceId: number) => [
      { ...emptyBatch(), requests: [1, 2, 3].map((l) => request(sourceId, l, 401)) },
      { ...emptyBatch(), requests: [4, 5].map((l) => request(sourceId, l, 401)), verdicts: [1, 2, 3, 4].map((l) => verdict(sourceId, l)) },
      {
        ...emptyBatch(), verdicts: [verdict(sourceId, 5)], clientOk: clientOk(40_000, 1),
        traffic: Array.from({ length: 3_000 }, (_, i): Row => [T0 + (i >> 2) * 60_000, sourceId, [200, 304, 401, 403][i & 3], 1 + (i % 5)]),
        progress: [{ sourceId, from: { offset: 0, lines: 0 }, offset: 500, lines: 5, stored: 5, rejected: 0, invalidUtf8: 0, identity: null }],
      },
      // Upserts onto the rows of the checkpoint before.
      { ...emptyBatch(), clientOk: clientOk(20_000, 1) },
    ];
    const inThread = setUp('a.db');
    const sync = new SqliteSink(inThread.db);
    for (const b of batches(inThread.sourceId)) sync.write(b);
    const threaded = setUp('b.db');
    const sink = new ThreadSink(threaded.db.name);
    try {
      for (const b of batches(threaded.sourceId)) sink.write(b);
      sink.drain();
    } finally {
      await sink.close();
    }
    const want = dump(inThread.db);
    expect(want.clientOk).toHaveLength(40_000);
    expect(want.traffic).toHaveLength(3_000);
    expect(dump(threaded.db)).toEqual(want);
  });

  it('throws a PositionConflict, passes over the parts of its batch, and writes the batches after it', async () => {
    const { db, sourceId } = setUp('c.db');
    const sink = new ThreadSink(db.name);
    try {
      // Another process moved the position: this batch (with two parts of client_ok rows to follow) rolls back.
      const stale = { sourceId, from: { offset: 99, lines: 9 }, offset: 120, lines: 10, stored: 1, rejected: 0, invalidUtf8: 0, identity: null };
      let thrown: unknown = null;
      try {
        sink.write({ ...emptyBatch(), requests: [request(sourceId, 1, 401)], clientOk: clientOk(40_000, 2), progress: [stale] });
        sink.drain();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(PositionConflict);
      // The writing goes on: a checkpoint with parts of its own takes its own rows.
      sink.write({
        ...emptyBatch(), requests: [request(sourceId, 2, 401)], clientOk: clientOk(20_000, 3),
        progress: [{ sourceId, from: { offset: 0, lines: 0 }, offset: 200, lines: 2, stored: 1, rejected: 0, invalidUtf8: 0, identity: null }],
      });
      sink.drain();
    } finally {
      await sink.close();
    }
    expect(db.prepare('SELECT line FROM requests').pluck().all()).toEqual([2]);
    expect(db.prepare("SELECT count(*) FROM client_ok WHERE ip LIKE '10.3.%'").pluck().get()).toBe(20_000);
    expect(db.prepare("SELECT count(*) FROM client_ok WHERE ip LIKE '10.2.%'").pluck().get()).toBe(0);
    expect(db.prepare('SELECT lines FROM sources WHERE id = ?').pluck().get(sourceId)).toBe(2);
  });

  it('any other failure is thrown, and again on every later write: nothing after it is written', async () => {
    const { db, sourceId } = setUp('d.db');
    const sink = new ThreadSink(db.name);
    try {
      // A request row one value short: SQLite refuses the statement.
      sink.write({ ...emptyBatch(), requests: [request(sourceId, 1, 401).slice(0, -1)] });
      expect(() => sink.drain()).toThrow(/parameter values/);
      expect(() => sink.write({ ...emptyBatch(), requests: [request(sourceId, 2, 401)] })).toThrow(/parameter values/);
    } finally {
      await sink.close();
    }
    expect(db.prepare('SELECT count(*) FROM requests').pluck().get()).toBe(0);
  });

  it('a worker that died is seen at the next wait, in a second, not after the time limit', async () => {
    const { db, sourceId } = setUp('e.db');
    const sink = new ThreadSink(db.name);
    // Its thread id is told once it runs.
    sink.write({ ...emptyBatch(), requests: [request(sourceId, 1, 401)] });
    sink.drain();
    // What an out-of-memory end does: the thread stops without a word.
    await (sink as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const started = performance.now();
    expect(() => {
      for (let line = 2; line < 10; line++) sink.write({ ...emptyBatch(), requests: [request(sourceId, line, 401)] });
      sink.drain();
    }).toThrow(/writer thread stopped answering/);
    expect(performance.now() - started).toBeLessThan(5_000);
    await sink.close();
    expect(db.prepare('SELECT line FROM requests').pluck().all()).toEqual([1]);
  });
});
