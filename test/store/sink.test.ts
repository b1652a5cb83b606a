/**
 * The sink finds each verdict's request by the id its insert returned, or by (source, line)
 * when it did not insert it; a verdict written again replaces the first; a batch that rolls
 * back leaves no verdict pointing at a request that is not there.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/store/db.js';
import { emptyBatch, SqliteSink, type Row } from '../../src/store/sink.js';
import { createSource, PositionConflict } from '../../src/store/sources.js';
import { useTempDir } from '../helpers.js';

const tmp = useTempDir();

function request(sourceId: number, line: number, status: number): Row {
  return [sourceId, line, 1_700_000_000_000 + line, '192.0.2.1', null, 1, 'GET', '/x', '/x', '/x', 'HTTP/1.1', status, 0,
    null, 'ua', null, null, null, null, null, null, null, `raw ${line}`, 'auth'];
}
function verdict(sourceId: number, line: number, cause: string): Row {
  return [1_700_000_000_000 + line, 401, '192.0.2.1', null, '/x', 'ua', 0, cause, 'heuristic', 'unknown', 'r', '[]', '[]', 'fix', sourceId, line];
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
