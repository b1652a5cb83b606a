/**
 * A live round runs the `events` query for the last few seconds: it must find them through
 * the time index, not by walking every stored 401 (a round would then cost in proportion
 * to the whole database).
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { packageFile } from '../../src/cli/paths.js';
import { openDb } from '../../src/store/db.js';
import { loadQueries, QueryRunner } from '../../src/store/queries.js';
import { useTempDir } from '../helpers.js';

const tmp = useTempDir();

it('the events query of a live round searches a time range', () => {
  const db = openDb(join(tmp(), 'plan.db'));
  const q = new QueryRunner(db, loadQueries(packageFile('queries')));
  const events = q.get('events');
  const params = Object.fromEntries(events.params.map((p) => [p, null])) as Record<string, unknown>;
  params.since = Date.UTC(2026, 10, 27);
  const plan = (db.prepare(`EXPLAIN QUERY PLAN ${events.sql}`).all(params) as { detail: string }[]).map((r) => r.detail);
  expect(plan.join(' | ')).toMatch(/SEARCH r USING INDEX requests_auth_ts \(ts>\?/);
});
