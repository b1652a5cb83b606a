/**
 * Inputs as they really are: a truncated and a corrupt .gz beside good files, a FIFO, an
 * unreadable file (as a non-root user), an identical copy, a full disk. Each run compares
 * the database's totals with the ground truth and prints lost and doubled.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CLI, useTempDir } from '../helpers.js';
import { add, compare, linesOf, stored, writeLines } from './truth.js';

const tmp = useTempDir();

function authlog(args: string[], opts: { uid?: number; gid?: number } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', ...opts });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const text = linesOf;

describe('damaged and unusual inputs', () => {
  it('a truncated and a corrupt .gz keep what decompressed, one reject each, the rest read; a re-run adds nothing', () => {
    const dir = tmp();
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    const day = 86_400_000;
    const t0 = Date.UTC(2026, 10, 20);
    // Three sites' rotated logs, a day apart: one good, one cut short, one damaged mid-way.
    const good = text(0, 3000, t0);
    writeFileSync(join(logs, 'a.access.log.2.gz'), gzipSync(good.text));
    const cut = text(0, 3000, t0 + day);
    const cutGz = gzipSync(cut.text);
    writeFileSync(join(logs, 'b.access.log.2.gz'), cutGz.subarray(0, Math.floor(cutGz.length / 2)));
    const bad = text(0, 3000, t0 + 2 * day);
    const badGz = Buffer.from(gzipSync(bad.text));
    for (let i = Math.floor(badGz.length * 0.6); i < Math.floor(badGz.length * 0.6) + 64; i++) badGz[i] ^= 0x5a;
    writeFileSync(join(logs, 'c.access.log.2.gz'), badGz);
    const plain = writeLines(join(logs, 'd.access.log'), 0, 1000, false, t0 + 3 * day);
    const db = join(dir, 'a.db');
    const first = authlog(['ingest', logs, '--db', db]);
    expect(first.stderr).not.toMatch(/internal error/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/b\.access\.log\.2\.gz: .*truncated_gzip 1/);
    expect(first.stdout).toMatch(/c\.access\.log\.2\.gz: .*corrupt_gzip 1/);
    const after = stored(db);
    // The cut archives hold a prefix of their lines: at least the good files' worth, fewer than all.
    const complete = add(good.truth, plain);
    expect(after.lines).toBeGreaterThan(complete.lines);
    expect(after.lines).toBeLessThan(complete.lines + cut.truth.lines + bad.truth.lines);
    const again = authlog(['ingest', logs, '--db', db]);
    expect(again.code).toBe(0);
    const second = stored(db);
    expect(compare('damaged .gz, second run', { lines: after.lines, auth: after.auth }, second)).toEqual({ lost: 0, doubled: 0 });
    expect(second.rejected).toBe(after.rejected);
  });

  it('a FIFO is read as a stream', () => {
    const dir = tmp();
    const fifo = join(dir, 'access.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const { text: body, truth } = text(0, 2000);
    writeFileSync(join(dir, 'body'), body);
    const writer = spawnSync('bash', ['-c', `cat '${join(dir, 'body')}' > '${fifo}' & '${process.execPath}' '${CLI}' ingest '${fifo}' --db '${join(dir, 'a.db')}'; wait`], { encoding: 'utf8' });
    expect(writer.stderr).toBe('');
    expect(writer.stdout).toMatch(/access\.fifo: access \(combined\); 2,000 lines read/);
    expect(compare('FIFO', truth, stored(join(dir, 'a.db')))).toEqual({ lost: 0, doubled: 0 });
  });

  it('an identical copy in the same run is read once', () => {
    const dir = tmp();
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    const truth = writeLines(join(logs, 'access.log'), 0, 2000);
    copyFileSync(join(logs, 'access.log'), join(logs, 'copy-of-access.log'));
    const db = join(dir, 'a.db');
    expect(authlog(['ingest', logs, '--db', db]).code).toBe(0);
    expect(compare('identical copy', truth, stored(db))).toEqual({ lost: 0, doubled: 0 });
  });

  const root = process.getuid?.() === 0;
  it.skipIf(!root)('an unreadable file is named, the rest is read, and the exit is 66 (run as nobody)', () => {
    const dir = tmp();
    chmodSync(dir, 0o755);
    const logs = join(dir, 'logs');
    mkdirSync(logs, { mode: 0o755 });
    const truth = writeLines(join(logs, 'a.access.log'), 0, 1000);
    writeLines(join(logs, 'b.access.log'), 1000, 2000);
    chmodSync(join(logs, 'a.access.log'), 0o644);
    chmodSync(join(logs, 'b.access.log'), 0o640); // as in /var/log/nginx: root:adm 640
    const out = join(dir, 'out');
    mkdirSync(out);
    chownSync(out, 65534, 65534);
    const r = authlog(['ingest', logs, '--db', join(out, 'a.db')], { uid: 65534, gid: 65534 });
    expect(r.stderr).toBe(`authlog: warning: cannot read ${join(logs, 'b.access.log')}: permission denied (run with sudo, or add your user to the adm group)\n`);
    expect(r.code).toBe(66);
    expect(r.stdout).toMatch(/a\.access\.log: access \(combined\); 1,000 lines read/);
    expect(compare('unreadable file beside a readable one', truth, stored(join(out, 'a.db')))).toEqual({ lost: 0, doubled: 0 });
  });

  const canMount = root && spawnSync('mount', ['--version']).status === 0;
  it.skipIf(!canMount)('a full disk: one line naming where it stopped; after freeing space a re-run resumes there (tmpfs; skipped where mounting is not allowed)', () => {
    const mnt = tmp();
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mnt], { encoding: 'utf8' });
    if (m.status !== 0) {
      console.log(`full-disk test skipped: ${m.stderr.trim()}`);
      return;
    }
    try {
      const log = join(tmp(), 'access.log');
      const truth = writeLines(log, 0, 120_000);
      const db = join(mnt, 'a.db');
      const full = authlog(['ingest', log, '--db', db, '--quiet']);
      expect(full.code).toBe(74);
      expect(full.stderr).toMatch(new RegExp(`^authlog: disk full writing ${db}: stored up to ${log}:\\d+; re-run after freeing space resumes there\\n$`));
      expect(spawnSync('mount', ['-o', 'remount,size=128m', mnt]).status).toBe(0);
      const again = authlog(['ingest', log, '--db', db, '--quiet']);
      expect(again.stderr).toBe('');
      expect(again.code).toBe(0);
      expect(compare('full disk, then a re-run', truth, stored(db))).toEqual({ lost: 0, doubled: 0 });
    } finally {
      spawnSync('umount', ['-l', mnt]);
    }
  });
});
