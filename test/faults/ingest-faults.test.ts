/**
 * Fault injection against `authlog ingest`, seeded and bounded: kill -9 at random moments,
 * two writers at once, a half-written last line. Each compares the database's totals with
 * the generator's ground truth and prints lost and doubled.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng } from '../../bench/generate.js';
import { CLI, useTempDir } from '../helpers.js';
import { accessLine, add, compare, stored, writeLines } from './truth.js';

const tmp = useTempDir();

function ingest(args: string[]) {
  return spawnSync(process.execPath, [CLI, 'ingest', ...args, '--quiet'], { encoding: 'utf8' });
}

/** Starts an ingest and kills it with SIGKILL after `ms`; resolves when it is gone. */
function killAfter(args: string[], ms: number): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'ingest', ...args, '--quiet'], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('ingest under faults', () => {
  it('kill -9 at random moments, then a full run: lost = 0, doubled = 0', async () => {
    const dir = tmp();
    const log = join(dir, 'access.log');
    const truth = writeLines(log, 0, 150_000);
    const db = join(dir, 'a.db');
    const random = rng(11);
    for (let k = 0; k < 6; k++) await killAfter([log, '--db', db], 250 + Math.floor(random() * 900));
    expect(ingest([log, '--db', db]).status).toBe(0);
    const got = stored(db);
    expect(compare('kill -9 x6 during ingest', truth, got)).toEqual({ lost: 0, doubled: 0 });
    expect(got.sourceLines).toBe(truth.lines);
    expect(got.unclassified).toBe(0);
  });

  it('two writers at once, and a third after: every line exactly once, no crash', async () => {
    const dir = tmp();
    const log = join(dir, 'access.log');
    const truth = writeLines(log, 0, 100_000);
    const db = join(dir, 'a.db');
    const run = () => new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'ingest', log, '--db', db, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    const [a, b] = await Promise.all([run(), run()]);
    expect(a.stderr + b.stderr).not.toMatch(/internal error|UNIQUE constraint/);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(ingest([log, '--db', db]).status).toBe(0);
    expect(compare('two ingests at once', truth, stored(db))).toEqual({ lost: 0, doubled: 0 });
  });

  it('a half-written last line waits for its newline, then is read whole', () => {
    const dir = tmp();
    const log = join(dir, 'access.log');
    let truth = writeLines(log, 0, 1000);
    const last = accessLine(1000);
    appendFileSync(log, last.text.slice(0, 40));
    const db = join(dir, 'a.db');
    const first = spawnSync(process.execPath, [CLI, 'ingest', log, '--db', db], { encoding: 'utf8' });
    expect(first.stdout).toMatch(/1,000 lines read, .*, 0 rejected, 1 line pending \(40 bytes without a newline yet/);
    appendFileSync(log, last.text.slice(40) + '\n');
    truth = add(truth, { lines: 1, auth: last.auth ? 1 : 0 });
    const second = spawnSync(process.execPath, [CLI, 'ingest', log, '--db', db], { encoding: 'utf8' });
    expect(second.stdout).toMatch(/1 lines read, \d+ stored, 0 rejected;/);
    const got = stored(db);
    expect(compare('half-written line', truth, got)).toEqual({ lost: 0, doubled: 0 });
    expect(got.rejected).toBe(0);
  });
});
