/**
 * Fault injection for `authlog follow` under a steady writer: kill -9 at random moments,
 * copytruncate rotation, an ingest and a report of the same directory while it follows.
 * Each compares the database's totals with the lines written and prints lost and doubled.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng } from '../../bench/generate.js';
import { CLI, useTempDir } from '../helpers.js';
import { compare, stored, writeLines, type Truth } from './truth.js';

const tmp = useTempDir();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function follow(path: string, db: string): { child: ChildProcess; stderr: () => string } {
  // --from-start: the writer starts before follow does, and every line it writes is counted
  const child = spawn(process.execPath, [CLI, 'follow', path, '--db', db, '--from-start'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return { child, stderr: () => err };
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code))));

/** Appends `perTick` lines every 20 ms (~50 × perTick lines/s) until stopped. */
function steadyWriter(log: string, perTick: number) {
  let next = 0;
  const truth: Truth = { lines: 0, auth: 0 };
  const write = () => {
    const t = writeLines(log, next, next + perTick, true);
    next += perTick;
    truth.lines += t.lines;
    truth.auth += t.auth;
  };
  const timer = setInterval(write, 20);
  return { truth, stop: () => clearInterval(timer), write };
}

describe('follow under faults', () => {
  it('kill -9 of follow at random moments while a writer appends, then an ingest: lost = 0, doubled = 0', async () => {
    const dir = tmp();
    const log = join(dir, 'access.log');
    writeFileSync(log, '');
    const db = join(dir, 'a.db');
    const writer = steadyWriter(log, 40); // ~2,000 lines/s
    const random = rng(5);
    for (let k = 0; k < 4; k++) {
      const { child } = follow(log, db);
      await sleep(900 + Math.floor(random() * 900));
      child.kill('SIGKILL');
      await exited(child);
    }
    writer.stop();
    // The killed follows' claims died with them: ingest reads on from their last commit.
    const res = spawnSync(process.execPath, [CLI, 'ingest', log, '--db', db, '--quiet'], { encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const got = stored(db);
    expect(compare("kill -9 x4 during follow under a writer", writer.truth, got)).toEqual({ lost: 0, doubled: 0 });
    expect(got.unclassified).toBe(0);
  }, 30_000);

  it('copytruncate while following: the lines written since the last read are read from the copy', async () => {
    const dir = tmp();
    const log = join(dir, 'access.log');
    writeFileSync(log, '');
    const db = join(dir, 'a.db');
    const { child } = follow(log, db);
    await sleep(700);
    const writer = steadyWriter(log, 20);
    for (let k = 1; k <= 3; k++) {
      await sleep(600);
      // logrotate's copytruncate, with lines written just before it that no poll saw yet.
      writer.write();
      copyFileSync(log, `${log}-${k}`);
      truncateSync(log, 0);
    }
    await sleep(600);
    writer.stop();
    await sleep(800);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(compare('copytruncate x3 during follow', writer.truth, stored(db))).toEqual({ lost: 0, doubled: 0 });
  }, 30_000);

  it('an ingest and a report of the same directory while follow reads it leave the followed log to it', async () => {
    const dir = tmp();
    const log = join(dir, 'access.log');
    writeFileSync(log, '');
    const db = join(dir, 'a.db');
    const f = follow(log, db);
    const writer = steadyWriter(log, 40);
    await sleep(1200);
    const ingest = spawnSync(process.execPath, [CLI, 'ingest', dir, '--db', db], { encoding: 'utf8' });
    expect(ingest.status).toBe(0);
    expect(ingest.stdout).toMatch(/access\.log: followed by another authlog \(pid \d+\): left to it/);
    const report = spawnSync(process.execPath, [CLI, 'report', dir, '--db', db, '--format', 'json'], { encoding: 'utf8' });
    expect(report.stderr).not.toMatch(/internal error|SqliteError/);
    expect(report.status).toBe(0);
    writer.stop();
    await sleep(800);
    f.child.kill('SIGTERM');
    expect(await exited(f.child)).toBe(0);
    expect(f.stderr()).not.toMatch(/internal error|SqliteError/);
    expect(compare('ingest and report during follow', writer.truth, stored(db))).toEqual({ lost: 0, doubled: 0 });
  }, 30_000);

  const canMount = process.getuid?.() === 0 && spawnSync('mount', ['--version']).status === 0;
  it.skipIf(!canMount)('a full disk under follow: one line naming where it stopped, exit 74; after freeing space follow resumes there (tmpfs; skipped where mounting is not allowed)', async () => {
    const mnt = tmp();
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mnt], { encoding: 'utf8' });
    if (m.status !== 0) {
      console.log(`full-disk follow test skipped: ${m.stderr.trim()}`);
      return;
    }
    try {
      const log = join(tmp(), 'access.log');
      const truth = writeLines(log, 0, 120_000);
      const db = join(mnt, 'a.db');
      const full = follow(log, db);
      expect(await exited(full.child)).toBe(74);
      expect(full.stderr()).toMatch(new RegExp(`^authlog: disk full writing ${db}: stored up to ${log}:\\d+; re-run after freeing space resumes there\\n$`));
      expect(spawnSync('mount', ['-o', 'remount,size=128m', mnt]).status).toBe(0);
      const again = follow(log, db);
      // Caught up when the database holds every line; then stopped.
      for (let i = 0; i < 100 && stored(db).lines < truth.lines; i++) await sleep(200);
      again.child.kill('SIGTERM');
      expect(await exited(again.child)).toBe(0);
      expect(again.stderr()).not.toMatch(/internal error|SqliteError/);
      expect(compare('full disk under follow, then follow again', truth, stored(db))).toEqual({ lost: 0, doubled: 0 });
    } finally {
      spawnSync('umount', ['-l', mnt]);
    }
  }, 60_000);

  it('a reader of the NDJSON that takes nothing holds follow back; once it reads, every line is counted once and every verdict arrives', async () => {
    const dir = tmp();
    const log = join(dir, 'access.log');
    const truth = writeLines(log, 0, 200_000);
    const db = join(dir, 'a.db');
    const child = spawn(process.execPath, [CLI, 'follow', log, '--db', db, '--from-start', '--output', 'ndjson'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    // Nobody reads stdout yet: the first round's events fill the pipe, and follow waits there.
    await sleep(3000);
    const held = stored(db).lines;
    expect(held).toBeLessThan(truth.lines / 2);
    const keys = new Set<string>();
    let rest = '';
    child.stdout!.on('data', (d: Buffer) => {
      const lines = (rest + d.toString('utf8')).split('\n');
      rest = lines.pop()!;
      for (const l of lines) {
        const e = JSON.parse(l) as { source: string; line: number };
        keys.add(`${e.source}:${e.line}`);
      }
    });
    for (let i = 0; i < 150 && stored(db).lines < truth.lines; i++) await sleep(200);
    await sleep(600);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(err).not.toMatch(/internal error|SqliteError/);
    console.log(`held back while unread: ${held} of ${truth.lines} lines counted`);
    expect(compare('a reader that takes nothing, then reads', truth, stored(db))).toEqual({ lost: 0, doubled: 0 });
    expect(keys.size).toBe(truth.auth);
  }, 60_000);
});
