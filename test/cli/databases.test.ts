/**
 * authlog touches only its own databases, and says so in one line with a stable exit code:
 * a foreign SQLite file, a file that is not a database, a newer schema and /dev/null are
 * refused before anything writes (hashes compared), read commands never create a database,
 * a held lock and a full disk are one line, and echoed values are sanitised.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CLI, REPO, useTempDir } from '../helpers.js';

const tmp = useTempDir();
const SAMPLE = join(REPO, 'samples', 'nginx', 'access.log');

function authlog(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const hash = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
const oneLine = (s: string) => expect(s.trim().split('\n'), s).toHaveLength(1);

describe('databases that are not authlog’s', () => {
  it.each([
    ['another program’s SQLite database', (f: string) => {
      const db = new Database(f);
      db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('ada')");
      db.close();
    }, /holds another program's database \(tables customers\)/],
    ['a file that is not a database', (f: string) => writeFileSync(f, 'name,balance\nada,12\n'), /is not an SQLite database/],
    ['an authlog database of a newer schema', (f: string) => {
      authlog(['ingest', SAMPLE, '--db', f, '--quiet']);
      const db = new Database(f);
      db.pragma('journal_mode = DELETE');
      db.pragma('user_version = 999');
      db.close();
    }, /written by a newer authlog \(schema 999/],
    ['a database with another application_id', (f: string) => {
      const db = new Database(f);
      db.pragma('application_id = 1234');
      db.exec('CREATE TABLE meta (key TEXT, value TEXT)');
      db.close();
    }, /application_id 1234/],
  ])('%s is refused without a byte changed, by writing and reading commands', (_, make, message) => {
    const dir = tmp();
    const f = join(dir, 'customers.db');
    make(f);
    const before = hash(f);
    const files = readdirSync(dir).sort();
    for (const args of [['ingest', SAMPLE], ['report'], ['events', SAMPLE], ['query', 'summary'], ['tui']]) {
      const r = authlog([...args, '--db', f]);
      expect(r.code, args.join(' ')).toBe(65);
      expect(r.stderr).toMatch(message);
      oneLine(r.stderr);
      expect(hash(f)).toBe(before);
      expect(readdirSync(dir).sort(), 'no -wal or -shm left beside it').toEqual(files);
    }
  });

  it('/dev/null and a directory are not database files', () => {
    for (const db of ['/dev/null', tmp()]) {
      const r = authlog(['ingest', SAMPLE, '--db', db]);
      expect(r.code).toBe(65);
      expect(r.stderr).toMatch(/is not a database file/);
      oneLine(r.stderr);
    }
  });

  it('marks its own databases and keeps opening them', () => {
    const f = join(tmp(), 'a.db');
    expect(authlog(['ingest', SAMPLE, '--db', f, '--quiet']).code).toBe(0);
    const db = new Database(f, { readonly: true });
    expect(db.pragma('application_id', { simple: true })).toBe(0x41754c67);
    db.close();
    expect(authlog(['report', '--db', f]).code).toBe(0);
  });

  it('an empty SQLite file is adopted', () => {
    const f = join(tmp(), 'new.db');
    new Database(f).close();
    expect(authlog(['ingest', SAMPLE, '--db', f, '--quiet']).code).toBe(0);
  });
});

describe('read commands never create a database', () => {
  it.each([['report'], ['events'], ['doctor'], ['query', 'summary'], ['tui'], ['suppress', 'list']])('%s', (...args) => {
    const dir = tmp();
    const f = join(dir, 'nonexistent', 'dir', 'x.db');
    const r = authlog([...args, '--db', f]);
    expect(r.code).toBe(66);
    expect(r.stderr).toBe(`authlog: no database at ${f}: run authlog ingest first\n`);
    expect(existsSync(join(dir, 'nonexistent'))).toBe(false);
  });
});

describe('errors a user can cause', () => {
  it('a lock held by another process: one line, exit 75', () => {
    const f = join(tmp(), 'a.db');
    authlog(['ingest', SAMPLE, '--db', f, '--quiet']);
    const holder = new Database(f);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const r = authlog(['ingest', join(REPO, 'samples', 'nginx', 'error.log'), '--db', f, '--quiet'], { AUTHLOG_BUSY_TIMEOUT_MS: '200' });
      expect(r.code).toBe(75);
      // A writer that has to wait says so, then gives up after the busy timeout with one line.
      expect(r.stderr.trim().split('\n')).toEqual([
        'authlog: waiting for another process writing this database',
        expect.stringMatching(/^authlog: the database is locked by another process \(waited \d+ s\)/),
      ]);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it.each([
    [['query', 'events', '--param', 'limit=abc'], /--param limit: "abc" is not a whole number/],
    [['query', 'summary', '--param', 'since=2h'], null],
    [['query', 'summary', '--param', 'since=yesterday-ish'], /--param since: "yesterday-ish" is not a time/],
    [['query', 'summary', '--param', 'colour=red'], /query summary has no parameter "colour"/],
  ])('%j', (args, message) => {
    const f = join(tmp(), 'a.db');
    authlog(['ingest', SAMPLE, '--db', f, '--quiet']);
    const r = authlog([...args, '--db', f, '--format', 'json']);
    if (message === null) {
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toHaveLength(1);
    } else {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      oneLine(r.stderr);
    }
  });

  it('values echoed back are sanitised', () => {
    for (const args of [['frob\u001b]0;pwned\u0007nicate'], ['ingest', '/no/such/\u001b[2Jfile'], ['events', '--since', '\u009b31mx']]) {
      const r = authlog(args);
      expect(r.code).not.toBe(0);
      expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      oneLine(r.stderr);
    }
  });
  // A full disk (exit 74, where it stopped, and the resume) is tested in test/faults/input-faults.test.ts.
});

describe('links in a log directory', () => {
  it('a dangling link and a link loop are named once each; a link to a file is read; nothing is silent', () => {
    const dir = tmp();
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    writeFileSync(join(dir, 'real.log'), readFileSync(SAMPLE));
    symlinkSync(join(dir, 'real.log'), join(logs, 'access.log'));
    symlinkSync(join(dir, 'gone.log'), join(logs, 'dangling.log'));
    symlinkSync(join(logs, 'loop-b'), join(logs, 'loop-a'));
    symlinkSync(join(logs, 'loop-a'), join(logs, 'loop-b'));
    symlinkSync(dir, join(logs, 'up'));
    const r = authlog(['ingest', logs, '--db', join(dir, 'a.db')]);
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').filter(Boolean).sort()).toEqual([
      `authlog: warning: ${join(logs, 'dangling.log')}: a dangling symbolic link, skipped`,
      `authlog: warning: ${join(logs, 'loop-a')}: a symbolic link loop, skipped`,
      `authlog: warning: ${join(logs, 'loop-b')}: a symbolic link loop, skipped`,
      `authlog: warning: ${join(logs, 'up')}: a link to a directory, not followed`,
    ]);
    expect(r.stdout).toMatch(/access\.log: nginx-access \(main\); 138 lines read/);
    expect(r.stdout.trimEnd().split('\n').every((l) => l.trim() !== '')).toBe(true);
  });
});

describe('an ingest that finds nothing', () => {
  it('says so in one line (exit 66) and never reads its own database as a log', () => {
    const dir = tmp();
    const r = authlog(['ingest', dir, '--db', join(dir, 'a.db')]);
    expect(r.code).toBe(66);
    expect(r.stderr).toBe(`authlog: no log files found in ${dir}\n`);
    expect(r.stdout).toBe('');
  });
});
