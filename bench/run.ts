/**
 * `npm run bench`: the CLI's one-pass ingest of generated logs as a user starts it (median
 * wall time over runs, peak RSS), side by side with lnav counting the 401s of the same
 * access log (alternating runs, when installed) and their ratio; the database's size per
 * 1M lines; report and TUI latency over it; GoAccess when installed.
 * Sizes: BENCH_SIZES=1000000,5000000 (default), BENCH_RUNS=5; BENCH_AUTH_SHARE=1 for 1% 401/403 lines.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { gatherReport } from '../src/report/data.js';
import { openDb } from '../src/store/db.js';
import { QueryRunner, loadQueries } from '../src/store/queries.js';
import { packageFile } from '../src/cli/paths.js';
import { generate } from './generate.js';
import { storeFloorMs } from './store-floor.js';
import { lineFloorMs } from './line-floor.js';
import { filterParams, loadCauses, loadEvents, loadTop, window, type Filters } from '../src/tui/triage/data.js';

const ROOT = packageFile('');
const OUT = join(ROOT, 'bench', 'out');
const sizes = (process.env.BENCH_SIZES ?? '1000000,5000000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 5);
/** BENCH_AUTH_SHARE=1: 1% of the lines 401/403 (3:1) instead of the default 8%, in its own folder. */
const authShare = process.env.BENCH_AUTH_SHARE ? Number(process.env.BENCH_AUTH_SHARE) / 100 : null;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

interface Timed {
  /** Wall seconds. */
  s: number;
  /** CPU seconds (user + system, every thread), NaN without GNU time. */
  cpu: number;
  rssMb: number;
}

/** Wall seconds, CPU seconds and peak RSS of one run (GNU time's %U, %S and %M when installed). */
function timed(cmd: string, args: string[]): Timed {
  const gnuTime = existsSync('/usr/bin/time');
  const t = performance.now();
  const res = gnuTime
    ? spawnSync('/usr/bin/time', ['-f', '%U %S %M', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, TERM: 'dumb' } })
    : spawnSync(cmd, args, { stdio: 'ignore', env: { ...process.env, TERM: 'dumb' } });
  const s = (performance.now() - t) / 1000;
  const [user, sys, kb] = gnuTime ? String(res.stderr).trim().split('\n').pop()!.split(' ').map(Number) : [NaN, NaN, NaN];
  return { s, cpu: user + sys, rssMb: kb / 1024 };
}

function countLines(file: string): number {
  const buf = readFileSync(file);
  let n = 0;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

mkdirSync(OUT, { recursive: true });
for (const size of sizes) {
  const dir = join(OUT, authShare === null ? String(size) : `${size}-auth${authShare * 100}`);
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'debug.log'))) {
    process.stdout.write(`generating ${fmt(size)} access lines in ${dir} ...\n`);
    await generate(dir, size, 42, authShare === null ? undefined : { unauthorized: authShare * 0.75, forbidden: authShare * 0.25 });
  }
  const files = ['access.log', 'error.log', 'debug.log'].map((f) => join(dir, f));
  const dbPath = join(dir, 'bench.db');
  const n = size > 2_000_000 ? Math.max(1, Math.min(runs, 3)) : runs;
  // Side by side in one run, alternating: the CLI as a user starts it (no heap flags),
  // ingest with classification into a fresh database, against lnav counting the 401s.
  const hasLnav = which('lnav');
  const authlog: Timed[] = [];
  const lnav: Timed[] = [];
  for (let i = 0; i < n; i++) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
    authlog.push(timed(process.execPath, [join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'ingest', ...files, '--db', dbPath, '--quiet']));
    if (hasLnav && size === sizes[0]) lnav.push(timed('lnav', ['-n', '-c', ';SELECT count(*) FROM access_log WHERE sc_status = 401', files[0]]));
  }
  const lines = size + countLines(files[1]) + countLines(files[2]);
  const ingestS = median(authlog.map((r) => r.s));
  const logBytes = files.reduce((a, f) => a + statSync(f).size, 0);
  const dbBytes = ['', '-wal'].reduce((a, x) => a + (existsSync(dbPath + x) ? statSync(dbPath + x).size : 0), 0);
  process.stdout.write(
    `\n${fmt(size)} access lines (+ error log and debug.log, ${fmt(lines)} lines, ${(logBytes / 1e6).toFixed(0)} MB in all), ${n} runs:\n` +
      `  authlog ingest (one pass: parse, classify, store):  median ${ingestS.toFixed(2)} s (${fmt(lines / ingestS)} lines/s)\n` +
      `  peak RSS (node dist/src/cli/main.js, no heap flags): max ${Math.max(...authlog.map((r) => r.rssMb)).toFixed(0)} MB, median ${median(authlog.map((r) => r.rssMb)).toFixed(0)} MB\n` +
      `  database: ${(dbBytes / 1e6).toFixed(1)} MB, ${((dbBytes / 1e6) * (1_000_000 / size)).toFixed(1)} MB per 1M access lines (${((100 * dbBytes) / logBytes).toFixed(0)}% of the logs)\n`,
  );
  if (lnav.length > 0) {
    const l = median(lnav.map((r) => r.s));
    process.stdout.write(`  lnav counting the 401s of the access log, alternating with the above: median ${l.toFixed(2)} s; ratio authlog/lnav ${(ingestS / l).toFixed(2)} (bar: <= 1.0)\n`);
    // Wall time divides CPU time by the cores kept busy: with authlog's CPU this many times
    // lnav's (one thread), no wall-time ratio below it over the machine's cores is possible.
    const cpuA = median(authlog.map((r) => r.cpu));
    const cpuL = median(lnav.map((r) => r.cpu));
    if (Number.isFinite(cpuA) && Number.isFinite(cpuL)) {
      const cores = availableParallelism();
      process.stdout.write(
        `  CPU time (user + system, all threads): authlog median ${cpuA.toFixed(2)} s, lnav ${cpuL.toFixed(2)} s: ratio ${(cpuA / cpuL).toFixed(2)}; ` +
          `on ${cores} cores the wall-time ratio cannot go below ${(cpuA / cpuL / cores).toFixed(2)}\n`,
      );
    }
  } else if (size === sizes[0]) process.stdout.write('  lnav not installed (apt-get install lnav): no ratio\n');

  const db = openDb(dbPath);
  // Where the database's bytes are (SQLite's dbstat): what storing less would have to cut.
  try {
    const parts = db.prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 6").all() as { name: string; bytes: number }[];
    process.stdout.write(`  database by table and index: ${parts.map((p) => `${p.name} ${(p.bytes / 1e6).toFixed(1)} MB`).join(', ')}\n`);
  } catch {
    // dbstat is not compiled in: the total above stands alone
  }
  const q = new QueryRunner(db, loadQueries(packageFile('queries')));
  const reportMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await gatherReport(q, { since: null, until: null });
    reportMs.push(performance.now() - t);
  }
  const stored = (db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n;
  process.stdout.write(`  report over the database (${fmt(size)} requests seen, ${fmt(stored)} stored): median ${median(reportMs).toFixed(0)} ms\n`);
  const floor = median([0, 1, 2].map(() => storeFloorMs(db, join(dir, 'floor.db'))));
  process.stdout.write(`  SQLite floor (the rows this ingest stored, written alone into a fresh database): median ${(floor / 1000).toFixed(2)} s, a cap of ${fmt((size / floor) * 1000)} access lines/s before any parsing\n`);
  const perLine = [0, 1, 2].map(() => lineFloorMs(files[0]));
  process.stdout.write(
    `  per-line floor (the access log alone, in one thread): read and cut into lines median ${(median(perLine.map((f) => f.splitMs)) / 1000).toFixed(2)} s; ` +
      `with the byte scanner, client ids, per-minute counts and success sums median ${(median(perLine.map((f) => f.fastPathMs)) / 1000).toFixed(2)} s` +
      `${perLine[0].declined > 0 ? ` (${fmt(perLine[0].declined)} lines declined)` : ''}\n`,
  );

  // The TUI's first screen (time span, causes with trends, top lists and a page of events),
  // then moving to another cause: what a keypress costs.
  const filters: Filters = { range: 'all', since: null, until: null, text: null, tag: null, benign: false, pick: null };
  const firstMs: number[] = [];
  const moveMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    let t = performance.now();
    const params = filterParams(filters, window(q, filters));
    const causes = loadCauses(q, params);
    loadTop(q, params, causes[0]);
    loadEvents(q, params, causes[0], 0, 200);
    firstMs.push(performance.now() - t);
    for (const c of causes.slice(1, 6)) {
      t = performance.now();
      loadTop(q, params, c);
      loadEvents(q, params, c, 0, 200);
      moveMs.push(performance.now() - t);
    }
  }
  db.close();
  process.stdout.write(`  tui: first screen median ${median(firstMs).toFixed(0)} ms; moving to another cause median ${median(moveMs).toFixed(0)} ms, max ${Math.max(...moveMs).toFixed(0)} ms\n`);

  if (size === sizes[0] && which('goaccess')) {
    const ms = median([0, 1, 2].map(() => timed('goaccess', [files[0], '--log-format=COMBINED', '-o', join(dir, 'goaccess.json')]).s));
    process.stdout.write(`  goaccess parsing the access log: median ${ms.toFixed(2)} s (authlog/goaccess ${(ingestS / ms).toFixed(2)})\n`);
  }
}
