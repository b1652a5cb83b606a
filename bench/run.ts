/**
 * `npm run bench`: end-to-end ingest of generated logs (median lines/s over several runs,
 * peak RSS), report latency over the resulting database, and lnav/GoAccess on the same file
 * when they are installed. Sizes: BENCH_SIZES=1000000,5000000 (default), BENCH_RUNS=5.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gatherReport } from '../src/report/data.js';
import { openDb } from '../src/store/db.js';
import { QueryRunner, loadQueries } from '../src/store/queries.js';
import { packageFile } from '../src/cli/paths.js';
import { NODE_FLAGS } from '../src/cli/node-flags.js';
import { generate } from './generate.js';
import { storeFloorMs } from './store-floor.js';
import { filterParams, loadCauses, loadEvents, loadTop, window, type Filters } from '../src/tui/triage/data.js';

const ROOT = packageFile('');
const OUT = join(ROOT, 'bench', 'out');
const sizes = (process.env.BENCH_SIZES ?? '1000000,5000000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 5);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function which(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function timeCommand(cmd: string, args: string[], times = 3): number {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    spawnSync(cmd, args, { stdio: 'ignore', env: { ...process.env, TERM: 'dumb' } });
    ms.push(performance.now() - t);
  }
  return median(ms);
}

mkdirSync(OUT, { recursive: true });
for (const size of sizes) {
  const dir = join(OUT, String(size));
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'debug.log'))) {
    process.stdout.write(`generating ${fmt(size)} access lines in ${dir} ...\n`);
    await generate(dir, size);
  }
  const files = ['access.log', 'error.log', 'debug.log'].map((f) => join(dir, f));
  const dbPath = join(dir, 'bench.db');
  const results: { lines: number; ingestMs: number; classifyMs: number; totalMs: number; maxRssMb: number }[] = [];
  const n = size > 2_000_000 ? Math.max(1, Math.min(runs, 3)) : runs;
  for (let i = 0; i < n; i++) {
    const out = execFileSync(process.execPath, [...NODE_FLAGS, join(ROOT, 'dist', 'bench', 'ingest-once.js'), dbPath, ...files], { encoding: 'utf8' });
    results.push(JSON.parse(out));
  }
  const lines = results[0].lines;
  const ingestRate = median(results.map((r) => (size / r.ingestMs) * 1000));
  const totalRate = median(results.map((r) => (lines / r.totalMs) * 1000));
  process.stdout.write(
    `\n${fmt(size)} access lines (+ error log and debug.log, ${fmt(lines)} lines in all), ${n} runs:\n` +
      `  ingest:               median ${fmt(ingestRate)} access lines/s (${(median(results.map((r) => r.ingestMs)) / 1000).toFixed(2)} s)\n` +
      `  ingest + classify:    median ${fmt(totalRate)} lines/s (${(median(results.map((r) => r.totalMs)) / 1000).toFixed(2)} s; classify median ${(median(results.map((r) => r.classifyMs)) / 1000).toFixed(2)} s)\n` +
      `  peak RSS:             max ${Math.max(...results.map((r) => r.maxRssMb)).toFixed(0)} MB, median ${median(results.map((r) => r.maxRssMb)).toFixed(0)} MB\n`,
  );

  const db = openDb(dbPath);
  const q = new QueryRunner(db, loadQueries(packageFile('queries')));
  const reportMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    gatherReport(q, { since: null, until: null });
    reportMs.push(performance.now() - t);
  }
  const stored = (db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n;
  process.stdout.write(`  report over the database (${fmt(size)} requests seen, ${fmt(stored)} stored): median ${median(reportMs).toFixed(0)} ms\n`);
  const floor = median([0, 1, 2].map(() => storeFloorMs(db, join(dir, 'floor.db'))));
  process.stdout.write(`  SQLite floor (the rows this ingest stored, written alone into a fresh database): median ${(floor / 1000).toFixed(2)} s, a cap of ${fmt((size / floor) * 1000)} access lines/s before any parsing\n`);

  // The TUI's first screen (time span, causes with trends, top lists and a page of events),
  // then moving to another cause: what a keypress costs.
  const filters: Filters = { range: 'all', since: null, until: null, text: null, tag: null, benign: false };
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

  if (size === sizes[0]) {
    const authlogCount = timeCommand(process.execPath, [...NODE_FLAGS, join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'ingest', files[0], '--db', ':memory:', '--quiet']);
    process.stdout.write(`  authlog ingest of the access log alone (the CLI: ingest and classify, fresh in-memory database): median ${(authlogCount / 1000).toFixed(2)} s\n`);
    const ratio = (other: number) => (other >= authlogCount ? `authlog is ${(other / authlogCount).toFixed(1)}× faster` : `authlog takes ${(authlogCount / other).toFixed(1)}× as long`);
    if (which('lnav')) {
      const ms = timeCommand('lnav', ['-n', '-c', ';SELECT count(*) FROM access_log WHERE sc_status = 401', files[0]]);
      process.stdout.write(`  lnav counting the 401s: median ${(ms / 1000).toFixed(2)} s (${ratio(ms)})\n`);
    } else process.stdout.write('  lnav not installed (apt-get install lnav) — skipped\n');
    if (which('goaccess')) {
      const ms = timeCommand('goaccess', [files[0], '--log-format=COMBINED', '-o', join(dir, 'goaccess.json')]);
      process.stdout.write(`  goaccess parsing it: median ${(ms / 1000).toFixed(2)} s (${ratio(ms)})\n`);
    } else process.stdout.write('  goaccess not installed (apt-get install goaccess) — skipped\n');
  }
}
