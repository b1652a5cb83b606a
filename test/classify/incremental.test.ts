/**
 * `authlog ingest` re-classifies only what new lines can change (classifyChanged). Ingesting
 * the samples piece by piece, in an awkward order (the error log after its access log, older
 * rotations last), must give every 401/403 the verdict one ingest of everything gives.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { classifyAll, classifyPending } from '../../src/classify/index.js';
import { ingest } from '../../src/ingest/ingest.js';
import { openDb, type Db } from '../../src/store/db.js';
import { REPO, useTempDir } from '../helpers.js';

const tmp = useTempDir();
const sample = (p: string) => join(REPO, 'samples', p);

async function ingestAndClassify(db: Db, paths: string[]): Promise<void> {
  const res = await ingest(db, { paths, format: 'auto', keepAll: false });
  classifyPending(db, res.reclassify);
}

const verdicts = (db: Db) =>
  db.prepare(
    `SELECT s.path AS file, r.line, v.cause, v.rule, v.confidence, v.layer, v.benign, v.tags, ev.text AS evidence, fx.text AS fix
     FROM verdicts v JOIN requests r ON r.id = v.request_id JOIN sources s ON s.id = r.source_id
       JOIN texts ev ON ev.id = v.evidence_id JOIN texts fx ON fx.id = v.fix_id ORDER BY s.path, r.line`,
  ).all();

it('gives the verdicts a single ingest gives, when the logs come in one by one', async () => {
  const dir = tmp();
  const whole = openDb(join(dir, 'whole.db'));
  await ingestAndClassify(whole, [sample('')]);
  const pieces = openDb(join(dir, 'pieces.db'));
  for (const step of [
    ['nginx/access.log'], ['nginx/error.log'], ['nginx/access.log.1'], ['nginx/access.log.2.gz'],
    ['apache/access.log'], ['apache/error.log'], ['nginx/api-json.log', 'nginx/app-json.log'], ['wordpress/debug.log'], ['wordpress/auth.log'],
    // Real servers' output (the lab): an error log may come after its access log.
    ['lab/nginx/access.log'], ['lab/nginx/error.log'], ['lab/apache/error.log'], ['lab/apache/access.log'],
    ['lab/wordpress/access.log'], ['lab/wordpress/debug.log'], ['lab/wordpress/error.log'],
  ]) {
    await ingestAndClassify(pieces, step.map(sample));
  }
  const expected = verdicts(whole);
  expect(expected.length).toBeGreaterThan(100);
  expect(verdicts(pieces)).toEqual(expected);
});

it('looks back far enough: a brute-force run split across two files is tagged as a whole', async () => {
  const dir = tmp();
  const line = (i: number) => `203.0.113.7 - admin [27/Nov/2026:10:${String(Math.floor(i / 6)).padStart(2, '0')}:${String((i * 10) % 60).padStart(2, '0')} +0000] "GET /admin/ HTTP/1.1" 401 179 "-" "python-requests/2.32"`;
  const first = join(dir, 'access.log.1');
  const second = join(dir, 'access.log');
  writeFileSync(first, Array.from({ length: 15 }, (_, i) => line(i)).join('\n') + '\n');
  writeFileSync(second, Array.from({ length: 10 }, (_, i) => line(15 + i)).join('\n') + '\n');
  const whole = openDb(join(dir, 'whole.db'));
  await ingestAndClassify(whole, [first, second]);
  const pieces = openDb(join(dir, 'pieces.db'));
  await ingestAndClassify(pieces, [first]);
  await ingestAndClassify(pieces, [second]);
  const expected = verdicts(whole);
  expect(expected.filter((v) => String((v as { tags: string }).tags).includes('brute_force')).length).toBeGreaterThan(15);
  expect(verdicts(pieces)).toEqual(expected);
});

it('classifies what a run cut short left without a verdict', async () => {
  const db = openDb(join(tmp(), 'cut.db'));
  await ingestAndClassify(db, [sample('nginx/access.log'), sample('nginx/error.log')]);
  const all = (db.prepare('SELECT count(*) AS n FROM verdicts').get() as { n: number }).n;
  db.prepare('DELETE FROM verdicts WHERE request_id IN (SELECT request_id FROM verdicts ORDER BY ts LIMIT 5)').run();
  // Nothing new to read: only the five requests without a verdict need one.
  expect(classifyPending(db, null)).toBeGreaterThanOrEqual(5);
  expect((db.prepare('SELECT count(*) AS n FROM verdicts').get() as { n: number }).n).toBe(all);
});

it('one pass gives the verdicts reading everything back gives (samples and a generated day)', async () => {
  const dir = tmp();
  const { generate } = await import('../../bench/generate.js');
  // 200k lines: enough 401s per client and endpoint for spans of hours whose successes come
  // after a 401 was classified (40k never had one; the 1M bench had 583 such verdicts).
  await generate(dir, 200_000);
  for (const paths of [[sample('')], [join(dir, 'access.log'), join(dir, 'error.log'), join(dir, 'debug.log')]]) {
    const db = openDb(join(dir, `${paths.length}.db`));
    await ingestAndClassify(db, paths);
    const online = verdicts(db);
    expect(online.length).toBeGreaterThan(100);
    classifyAll(db);
    const again = verdicts(db);
    const differ = again.filter((v, i) => JSON.stringify(v) !== JSON.stringify(online[i]));
    expect(differ.map((v) => [v, online[again.indexOf(v)]])).toEqual([]);
  }
});

it('an archive older than the stored logs: only its lines within the look-back of a stored 401 are made again, and the verdicts are those of reading all back', async () => {
  const dir = tmp();
  const { generate } = await import('../../bench/generate.js');
  await generate(dir, 20_000);
  const db = openDb(join(dir, 'older.db'));
  await ingestAndClassify(db, [sample('nginx/')]);
  const firstStored = db.prepare('SELECT min(ts) FROM requests WHERE status IN (401, 403)').pluck().get() as number;
  const res = await ingest(db, { paths: [join(dir, 'access.log'), join(dir, 'error.log')], format: 'auto', keepAll: false });
  const newest = db.prepare(`SELECT max(r.ts) FROM requests r JOIN sources s ON s.id = r.source_id WHERE s.path = ?`).pluck().get(join(dir, 'access.log')) as number;
  // The generated day ends before the samples begin: nothing of it is near a stored 401.
  expect(newest).toBeLessThan(firstStored - 3_600_000);
  expect(res.reclassify).not.toBeNull();
  expect(res.reclassify!.from).toBeGreaterThanOrEqual(firstStored - 3_600_000);
  classifyPending(db, res.reclassify);
  const incremental = verdicts(db);
  classifyAll(db);
  expect(verdicts(db)).toEqual(incremental);
});
