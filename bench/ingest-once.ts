/** One measured ingest in a fresh process (so peak RSS is this run's alone). Prints JSON. */
import { rmSync } from 'node:fs';
import { ingest } from '../src/ingest/ingest.js';
import { classifyPending } from '../src/classify/index.js';
import { openDb } from '../src/store/db.js';

const [dbPath, ...paths] = process.argv.slice(2);
rmSync(dbPath, { force: true });
rmSync(`${dbPath}-wal`, { force: true });
rmSync(`${dbPath}-shm`, { force: true });
const db = openDb(dbPath);
const start = performance.now();
const cpu0 = process.cpuUsage();
const res = await ingest(db, { paths, format: 'auto', keepAll: false });
const ingested = performance.now();
const cpu1 = process.cpuUsage(cpu0);
// One pass: ingest classified as it read; this makes only what it could not (none on a fresh database).
classifyPending(db, res.reclassify);
const done = performance.now();
db.close();
const lines = res.sources.reduce((a, s) => a + s.lines, 0);
// CPU time is reported beside wall time: on a shared machine it varies less between runs.
process.stdout.write(JSON.stringify({ lines, ingestMs: ingested - start, ingestCpuMs: (cpu1.user + cpu1.system) / 1000, classifyMs: done - ingested, totalMs: done - start, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
