/**
 * The sink finds each verdict's request by the id its insert returned, or by (source, line)
 * when it did not insert it; a verdict written again replaces the first; a batch that rolls
 * back leaves no verdict pointing at a request that is not there. Evidence and fix texts are
 * stored once each.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { APPLICATION_ID, openDb, type Db } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { emptyBatch, EVIDENCE, SqliteSink, type Row } from '../../src/store/sink.js';
import { textHash } from '../../src/store/texts.js';
import { createSource, PositionConflict } from '../../src/store/sources.js';
import { useTempDir } from '../helpers.js';

const tmp = useTempDir();

function request(sourceId: number, line: number, status: number): Row {
  return [sourceId, line, 1_700_000_000_000 + line, '192.0.2.1', null, 1, 'GET', '/x', '/x', '/x', 'HTTP/1.1', status, 0,
    null, 'ua', null, null, null, null, null, null, null, null, 'auth', line * 100];
}
function verdict(sourceId: number, line: number, cause: string): Row {
  return [1_700_000_000_000 + line, 401, '192.0.2.1', null, '/x', 0, cause, 'heuristic', 'unknown', 'r', '[]', '[]', 'fix', sourceId, line];
}
const verdicts = (db: Db) =>
  db.prepare('SELECT r.line, v.cause FROM verdicts v JOIN requests r ON r.id = v.request_id ORDER BY r.line').all() as { line: number; cause: string }[];

function setUp(): { db: Db; sourceId: number } {
  const db = openDb(join(tmp(), 'sink.db'));
  const sourceId = createSource(db, { path: 'access.log', format: 'access', variant: 'combined', fingerprint: 'f', fpLen: 1, compressed: false }).id;
  return { db, sourceId };
}

describe('SqliteSink verdicts', () => {
  it('go to the request of their line: inserted by this sink, by another, in the same batch or a later one', () => {
    const { db, sourceId } = setUp();
    // Line 1 was stored by an earlier run (another sink): its id is looked up.
    new SqliteSink(db).write({ ...emptyBatch(), requests: [request(sourceId, 1, 401)] });
    const sink = new SqliteSink(db);
    sink.write({ ...emptyBatch(), requests: [request(sourceId, 1, 401), request(sourceId, 2, 401), request(sourceId, 3, 403)], verdicts: [verdict(sourceId, 3, 'forbidden')] });
    sink.write({ ...emptyBatch(), verdicts: [verdict(sourceId, 1, 'no_credentials'), verdict(sourceId, 2, 'user_not_found')] });
    expect(verdicts(db)).toEqual([{ line: 1, cause: 'no_credentials' }, { line: 2, cause: 'user_not_found' }, { line: 3, cause: 'forbidden' }]);
    // Made again (a classification cut short, or another process): replaced, not added.
    sink.write({ ...emptyBatch(), verdicts: [verdict(sourceId, 2, 'password_mismatch')] });
    expect(verdicts(db)).toEqual([{ line: 1, cause: 'no_credentials' }, { line: 2, cause: 'password_mismatch' }, { line: 3, cause: 'forbidden' }]);
    expect(db.prepare('SELECT count(*) FROM verdicts').pluck().get()).toBe(3);
  });

  it('after a batch rolled back, a verdict of its request is not written against a row that is not there', () => {
    const { db, sourceId } = setUp();
    const sink = new SqliteSink(db);
    // The position check fails (another process moved it): the whole batch rolls back.
    const stale = { sourceId, from: { offset: 99, lines: 9 }, offset: 120, lines: 10, stored: 1, rejected: 0, invalidUtf8: 0, identity: null };
    expect(() => sink.write({ ...emptyBatch(), requests: [request(sourceId, 5, 401)], progress: [stale] })).toThrow(PositionConflict);
    expect(db.prepare('SELECT count(*) FROM requests').pluck().get()).toBe(0);
    // Another row takes the id the rolled-back insert had returned.
    sink.write({ ...emptyBatch(), requests: [request(sourceId, 6, 401)] });
    sink.write({ ...emptyBatch(), verdicts: [verdict(sourceId, 6, 'user_not_found'), verdict(sourceId, 5, 'no_credentials')] });
    expect(verdicts(db)).toEqual([{ line: 6, cause: 'user_not_found' }]);
    expect(db.prepare('SELECT count(*) FROM verdicts').pluck().get()).toBe(1);
  });
});

describe('verdict texts', () => {
  const texts = (db: Db) =>
    db.prepare(`SELECT r.line, ev.text AS evidence, fx.text AS fix FROM verdicts v JOIN requests r ON r.id = v.request_id
      JOIN texts ev ON ev.id = v.evidence_id JOIN texts fx ON fx.id = v.fix_id ORDER BY r.line`).all();

  it('are stored once each, and a text whose hash another text has gets its own row', () => {
    const { db, sourceId } = setUp();
    // A planted text with the hash of the evidence to come: equal hashes are told apart by the text.
    db.prepare('INSERT INTO texts (hash, text) VALUES (?, ?)').run(textHash('["seen"]'), 'not it');
    const sink = new SqliteSink(db);
    const v = (line: number, evidence: string, fix: string): Row => [...verdict(sourceId, line, 'c').slice(0, EVIDENCE), evidence, fix, sourceId, line];
    sink.write({ ...emptyBatch(), requests: [1, 2, 3].map((l) => request(sourceId, l, 401)), verdicts: [v(1, '["seen"]', 'fix a'), v(2, '["seen"]', 'fix b')] });
    // A later sink (another run) finds the texts stored before.
    new SqliteSink(db).write({ ...emptyBatch(), verdicts: [v(3, '["seen"]', 'fix a')] });
    expect(texts(db)).toEqual([
      { line: 1, evidence: '["seen"]', fix: 'fix a' },
      { line: 2, evidence: '["seen"]', fix: 'fix b' },
      { line: 3, evidence: '["seen"]', fix: 'fix a' },
    ]);
    // (The requests' user agent 'ua' is a text too.)
    expect(db.prepare('SELECT text FROM texts ORDER BY id').pluck().all()).toEqual(['not it', 'ua', '["seen"]', 'fix a', 'fix b']);
  });

  it('learned in a batch that rolled back are not used after it', () => {
    const { db, sourceId } = setUp();
    const sink = new SqliteSink(db);
    const stale = { sourceId, from: { offset: 99, lines: 9 }, offset: 120, lines: 10, stored: 1, rejected: 0, invalidUtf8: 0, identity: null };
    new SqliteSink(db).write({ ...emptyBatch(), requests: [request(sourceId, 1, 401)] });
    expect(() => sink.write({ ...emptyBatch(), verdicts: [verdict(sourceId, 1, 'c')], progress: [stale] })).toThrow(PositionConflict);
    expect(db.prepare('SELECT text FROM texts').pluck().all()).toEqual(['ua']);
    sink.write({ ...emptyBatch(), verdicts: [verdict(sourceId, 1, 'c')] });
    expect(texts(db)).toEqual([{ line: 1, evidence: '[]', fix: 'fix' }]);
  });

  it('a database written before they were kept once is moved over with every verdict\'s evidence and fix', () => {
    const path = join(tmp(), 'old.db');
    // Schema 7: evidence and fix as text in each verdict.
    const old = new Database(path);
    old.pragma('page_size = 16384');
    old.pragma('journal_mode = WAL');
    old.transaction(() => {
      for (const m of MIGRATIONS.slice(0, 7)) old.exec(m);
    })();
    old.pragma('user_version = 7');
    old.pragma(`application_id = ${APPLICATION_ID}`);
    const sourceId = Number(old.prepare("INSERT INTO sources (path, format, fingerprint, fp_len, updated_at, key) VALUES ('a.log', 'access', 'f', 1, 0, 'f')").run().lastInsertRowid);
    const insert = old.prepare(`INSERT INTO requests (source_id, line, ts, ip, user_logged, status, kept, user_agent, referer) VALUES (?, ?, ?, '192.0.2.1', 1, 401, 'auth', ?, ?)`);
    const verdictRow = old.prepare(`INSERT INTO verdicts (request_id, ts, status, ip, benign, cause, confidence, layer, rule, tags, evidence, fix)
      VALUES (?, ?, 401, '192.0.2.1', 0, 'c', 'heuristic', 'unknown', 'r', '[]', ?, ?)`);
    for (const [line, evidence, fix, ua, referer] of [[1, 'e1', 'f', 'curl/8', null], [2, 'e2', 'f', 'curl/8', 'https://x/'], [3, 'e1', 'g', null, 'f']] as const) {
      const id = Number(insert.run(sourceId, line, line, ua, referer).lastInsertRowid);
      verdictRow.run(id, line, evidence, fix);
    }
    old.close();
    const db = openDb(path);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(texts(db)).toEqual([
      { line: 1, evidence: 'e1', fix: 'f' },
      { line: 2, evidence: 'e2', fix: 'f' },
      { line: 3, evidence: 'e1', fix: 'g' },
    ]);
    // The user agents and referers too (a referer equal to a fix text shares its row).
    expect(db.prepare(`SELECT r.line, ua.text AS ua, rf.text AS referer FROM requests r
      LEFT JOIN texts ua ON ua.id = r.user_agent_id LEFT JOIN texts rf ON rf.id = r.referer_id ORDER BY r.line`).all()).toEqual([
      { line: 1, ua: 'curl/8', referer: null },
      { line: 2, ua: 'curl/8', referer: 'https://x/' },
      { line: 3, ua: null, referer: 'f' },
    ]);
    expect(db.prepare('SELECT count(*) FROM texts').pluck().get()).toBe(6);
    // And the writers find the moved texts by their hash.
    new SqliteSink(db).write({ ...emptyBatch(), requests: [request(sourceId, 4, 401)], verdicts: [[...verdict(sourceId, 4, 'c').slice(0, EVIDENCE), 'e2', 'g', sourceId, 4]] });
    expect(db.prepare('SELECT count(*) FROM texts').pluck().get()).toBe(7);
  });
});
