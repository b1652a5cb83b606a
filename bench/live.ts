/**
 * Live benchmark: line-to-output latency of `authlog live -` (NDJSON; median and p99 over
 * paced 401 lines) and throughput of a burst piped through it with the dashboard on.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageFile } from '../src/cli/paths.js';
import { NODE_FLAGS } from '../src/cli/node-flags.js';
import { generate } from './generate.js';

const CLI = packageFile(join('dist', 'src', 'cli', 'main.js'));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

/**
 * Steady-state latency: the clock starts once the CLI has answered a first line, so the
 * time node takes to start (reported apart, as `startup`) is not charged to every line
 * written while it was starting.
 */
async function latency(samples = 200, gapMs = 20): Promise<{ startup: number; latencies: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'authlog-live-'));
  const spawned = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, CLI, 'live', '-', '--db', join(dir, 'l.db'), '--output', 'ndjson'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let buf = '';
  let ready: () => void = () => {};
  const answered = new Promise<void>((resolve) => (ready = resolve));
  child.stdout.on('data', (d: Buffer) => {
    const now = performance.now();
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) {
      const ip = (JSON.parse(l) as { ip: string }).ip;
      if (ip === '10.255.255.1') ready();
      const t = sentAt.get(ip);
      if (t !== undefined) latencies.push(now - t);
    }
  });
  child.stdin.write('10.255.255.1 - - [27/Nov/2026:09:59:59 +0000] "GET /staging/ HTTP/1.1" 401 179 "-" "curl/8.5.0"\n');
  await answered;
  const startup = performance.now() - spawned;
  for (let i = 0; i < samples; i++) {
    const ip = `10.${(i >> 8) & 255}.${i & 255}.7`;
    const sec = String(i % 60).padStart(2, '0');
    sentAt.set(ip, performance.now());
    child.stdin.write(`${ip} - bob [27/Nov/2026:10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${sec} +0000] "GET /staging/ HTTP/1.1" 401 179 "-" "curl/8.5.0"\n`);
    await new Promise((r) => setTimeout(r, gapMs));
  }
  child.stdin.end();
  await new Promise((r) => child.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
  return { startup, latencies };
}

async function throughput(file: string, output: 'dashboard' | 'ndjson'): Promise<{ lines: number; seconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'authlog-live-'));
  const started = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, CLI, 'live', '-', '--db', join(dir, 't.db'), '--output', output], {
    stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, COLUMNS: '120', LINES: '40' },
  });
  child.stdout.resume();
  let lines = 0;
  const input = createReadStream(file);
  input.on('data', (c) => {
    for (let i = (c as Buffer).indexOf(10); i >= 0; i = (c as Buffer).indexOf(10, i + 1)) lines++;
  });
  input.pipe(child.stdin);
  await new Promise((r) => child.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
  return { lines, seconds: (performance.now() - started) / 1000 };
}

const { startup, latencies: lat } = await latency();
process.stdout.write(
  `live latency (line written → NDJSON out, ${lat.length} lines paced 20 ms apart, after start-up): median ${pct(lat, 50).toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms, max ${Math.max(...lat).toFixed(0)} ms\n` +
    `live start-up (spawn → first line answered): ${startup.toFixed(0)} ms\n`,
);
const dir = join(packageFile('bench'), 'out', 'live');
if (!existsSync(join(dir, 'access.log'))) {
  (await import('node:fs')).mkdirSync(dir, { recursive: true });
  await generate(dir, 300_000, 7);
}
for (const output of ['dashboard', 'ndjson'] as const) {
  const t = await throughput(join(dir, 'access.log'), output);
  process.stdout.write(`live burst with ${output}: ${t.lines.toLocaleString('en-US')} lines in ${t.seconds.toFixed(2)} s = ${Math.round(t.lines / t.seconds).toLocaleString('en-US')} lines/s\n`);
}
