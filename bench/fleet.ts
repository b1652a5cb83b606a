/**
 * The fleet's numbers (part of `npm run bench` when the fleet engine is installed:
 * `npm install --prefix fleet`, or CLICKHOUSE_URL): the ship rate of one host's database built
 * from the 1M-line bench set (verdicts/s, median of runs, each into an empty store), and a
 * fleet `report` over 50 hosts × that set (about 4M verdicts) against the same report on one
 * SQLite database holding the same rows.
 *
 * The 49 other hosts are copies of the first one's rows under other host names, made inside
 * each engine (INSERT … SELECT): the rows 50 hosts shipping the same day would leave.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { gatherReport } from '../src/report/data.js';
import { openStore, parseStoreUrl } from '../src/fleet/clickhouse.js';
import { ClickHouseReader } from '../src/fleet/reader.js';
import { openDb } from '../src/store/db.js';
import { QueryRunner, loadQueries } from '../src/store/queries.js';
import { packageFile } from '../src/cli/paths.js';
import { generate } from './generate.js';

const ROOT = packageFile('');
const OUT = join(ROOT, 'bench', 'out', 'fleet');
const SET = join(ROOT, 'bench', 'out', '1000000');
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const HOSTS = Number(process.env.BENCH_FLEET_HOSTS ?? 50);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** The wall milliseconds of `runs` runs of `work`. */
async function timeRuns(work: () => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await work();
    ms.push(performance.now() - t);
  }
  return ms;
}

/** Whether chDB can be loaded from fleet/ (where npm run test:fleet installs it). */
function engineAvailable(): boolean {
  if (process.env.CLICKHOUSE_URL) return true;
  return existsSync(join(ROOT, 'fleet', 'node_modules', 'chdb', 'package.json'));
}

function storeUrl(name: string): string {
  if (process.env.CLICKHOUSE_URL) {
    const u = new URL(process.env.CLICKHOUSE_URL);
    u.pathname = `/authlog_bench_${name}`;
    return u.toString();
  }
  return `chdb:${join(OUT, name)}`;
}

function authlog(args: string[]): { s: number; stderr: string } {
  const t = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: join(ROOT, 'fleet'), encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`authlog ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return { s: (performance.now() - t) / 1000, stderr: r.stderr };
}

async function dropStore(url: string): Promise<void> {
  if (url.startsWith('chdb:')) rmSync(url.slice('chdb:'.length), { recursive: true, force: true });
  else {
    const store = parseStoreUrl(url);
    const admin = await openStore(store, 'default');
    await admin.command({ query: `DROP DATABASE IF EXISTS ${store.database}` });
    await admin.close();
  }
}

if (!engineAvailable()) {
  process.stdout.write('\nfleet: skipped (no engine: npm install --prefix fleet installs chDB, or set CLICKHOUSE_URL)\n');
} else {
  mkdirSync(OUT, { recursive: true });
  process.chdir(join(ROOT, 'fleet'));
  if (!existsSync(join(SET, 'debug.log'))) await generate(SET, 1_000_000);
  // One host's database from the 1M-line set.
  const hostDb = join(OUT, 'host.db');
  if (!existsSync(hostDb)) authlog(['ingest', join(SET, 'access.log'), join(SET, 'error.log'), join(SET, 'debug.log'), '--db', hostDb, '--quiet']);
  const probe = new Database(hostDb, { readonly: true });
  const verdicts = probe.prepare('SELECT count(*) FROM verdicts').pluck().get() as number;
  probe.close();

  process.stdout.write(`\nfleet (${process.env.CLICKHOUSE_URL ? 'ClickHouse at CLICKHOUSE_URL' : 'chDB, ClickHouse in-process'}): one host = the 1M-line set, ${fmt(verdicts)} verdicts\n`);
  const rates: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const url = storeUrl(`ship${i}`);
    await dropStore(url);
    const copy = join(OUT, `ship${i}.db`);
    copyFileSync(hostDb, copy);
    const { s } = authlog(['ship', '--to', url, '--init', '--db', copy, '--host', 'h00', '-q']);
    times.push(s);
    rates.push(verdicts / s);
    rmSync(copy, { force: true });
    if (i > 0) await dropStore(url);
  }
  process.stdout.write(`  authlog ship, first ship of the whole database (verdicts, per-minute counts, successes, sources): median ${median(times).toFixed(1)} s, ${fmt(median(rates))} verdicts/s (runs: ${times.map((t) => t.toFixed(1)).join(', ')} s)\n`);

  // 50 hosts in the store: the first ship's rows under 49 more host names.
  const url = storeUrl('ship0');
  const store = parseStoreUrl(url);
  const client = await openStore(store);
  for (const table of ['verdicts', 'traffic', 'client_ok', 'sources', 'rejects']) {
    await client.command({ query: `INSERT INTO ${table} SELECT * EXCEPT (number) REPLACE (concat('h', leftPad(toString(number), 2, '0')) AS host) FROM ${table} AS t, numbers(1, ${HOSTS - 1}) AS n WHERE t.host = 'h00'` });
  }
  await client.command({ query: 'OPTIMIZE TABLE verdicts FINAL' });
  const fleetVerdicts = ((await (await client.query({ query: 'SELECT count() AS n FROM verdicts FINAL', format: 'JSONEachRow' })).json()) as { n: number }[])[0].n;
  const reader = new ClickHouseReader(client, loadQueries(packageFile('queries/clickhouse')));
  const fleetMs = await timeRuns(() => gatherReport(reader, { since: null, until: null }));
  await client.close();

  // The same rows in one SQLite database: each host's requests, sources and verdicts copied under new ids.
  const bigDb = join(OUT, `sqlite-${HOSTS}.db`);
  if (!existsSync(bigDb)) {
    process.stdout.write(`  building one SQLite database with the same ${HOSTS} hosts' rows ...\n`);
    copyFileSync(hostDb, `${bigDb}.tmp`);
    const db = openDb(`${bigDb}.tmp`);
    const maxRequest = db.prepare('SELECT max(id) FROM requests').pluck().get() as number;
    const maxSource = db.prepare('SELECT max(id) FROM sources').pluck().get() as number;
    const cols = (t: string) => (db.prepare(`SELECT name FROM pragma_table_info('${t}')`).pluck().all() as string[]);
    const reqCols = cols('requests');
    const srcCols = cols('sources');
    const verCols = cols('verdicts');
    const copy = db.transaction((k: number) => {
      db.prepare(`INSERT INTO sources (${srcCols.join(', ')}) SELECT ${srcCols.map((c) => (c === 'id' ? `id + ${k * maxSource}` : c === 'path' ? `'h${k}:' || path` : c === 'key' ? `key || '-h${k}'` : c)).join(', ')} FROM sources WHERE id <= ${maxSource}`).run();
      db.prepare(`INSERT INTO requests (${reqCols.join(', ')}) SELECT ${reqCols.map((c) => (c === 'id' ? `id + ${k * maxRequest}` : c === 'source_id' ? `source_id + ${k * maxSource}` : c)).join(', ')} FROM requests WHERE id <= ${maxRequest}`).run();
      db.prepare(`INSERT INTO verdicts (${verCols.join(', ')}) SELECT ${verCols.map((c) => (c === 'request_id' ? `request_id + ${k * maxRequest}` : c)).join(', ')} FROM verdicts WHERE request_id <= ${maxRequest}`).run();
      db.prepare(`INSERT INTO traffic (minute, source_id, status, count) SELECT minute, source_id + ${k * maxSource}, status, count FROM traffic WHERE source_id <= ${maxSource} AND source_id > 0`).run();
    });
    for (let k = 1; k < HOSTS; k++) copy(k);
    db.close();
    spawnSync('mv', [`${bigDb}.tmp`, bigDb]);
    rmSync(`${bigDb}.tmp-wal`, { force: true });
    rmSync(`${bigDb}.tmp-shm`, { force: true });
  }
  const db = openDb(bigDb, 'existing');
  const sqliteVerdicts = db.prepare('SELECT count(*) FROM verdicts').pluck().get() as number;
  const runner = new QueryRunner(db, loadQueries(packageFile('queries')));
  const sqliteMs = await timeRuns(() => gatherReport(runner, { since: null, until: null }));
  db.close();
  const size = statSync(bigDb).size;
  process.stdout.write(`  report over ${HOSTS} hosts: fleet store ${fmt(fleetVerdicts)} verdicts, median ${fmt(median(fleetMs))} ms; one SQLite database ${fmt(sqliteVerdicts)} verdicts (${fmt(size / 1e6)} MB), median ${fmt(median(sqliteMs))} ms; ratio ${(median(fleetMs) / median(sqliteMs)).toFixed(2)}\n`);
}
