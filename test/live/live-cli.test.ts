/** The live modes through the real CLI: a pipe that stays open, followed files, signals, a real terminal. */
import { spawn } from 'node:child_process';
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CLI, hasTmux, tmuxSession, useTempDir } from '../helpers.js';

const tmp = useTempDir();
const acc = (ip: string, user: string, sec: number, path = '/staging/', status = 401) =>
  `${ip} - ${user} [27/Nov/2026:10:00:${String(sec).padStart(2, '0')} +0000] "GET ${path} HTTP/1.1" ${status} 179 "-" "Mozilla/5.0"\n`;

/** Collects a child's stdout lines; `next(n)` waits until n lines have arrived. */
function lines(child: ReturnType<typeof spawn>) {
  const got: string[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    got.push(...parts);
  });
  return {
    got,
    next: (n: number, ms = 10_000) =>
      new Promise<string[]>((resolve, reject) => {
        const start = Date.now();
        const check = () => (got.length >= n ? resolve(got) : Date.now() - start > ms ? reject(new Error(`only ${got.length} lines: ${got.join('\n')}`)) : setTimeout(check, 25));
        check();
      }),
  };
}

const exited = (child: ReturnType<typeof spawn>) => new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

describe('authlog live and follow', () => {
  it('writes NDJSON for each 401 while the pipe is still open, and exits 0 at end of input', async () => {
    const db = join(tmp(), 'a.db');
    const child = spawn(process.execPath, [CLI, '--db', db], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = lines(child);
    child.stdin!.write(acc('192.0.2.1', '-', 1, '/', 200) + acc('192.0.2.2', 'bob', 2));
    const [first] = await out.next(1);
    expect(JSON.parse(first)).toMatchObject({ ip: '192.0.2.2', user: 'bob', status: 401, cause: 'bad_credentials', file: '-', line: 2 });
    child.stdin!.write(acc('192.0.2.3', '-', 3, '/api', 403));
    const second = await out.next(2);
    expect(JSON.parse(second[1])).toMatchObject({ ip: '192.0.2.3', status: 403, cause: 'forbidden' });
    child.stdin!.end();
    expect(await exited(child)).toBe(0);
    const rows = new Database(db, { readonly: true }).prepare('SELECT count(*) AS n FROM verdicts').get() as { n: number };
    expect(rows.n).toBe(2);
  });

  it('follows files through rotation, updates a verdict when its error line arrives, and exits 0 on SIGTERM', async () => {
    const dir = tmp();
    const db = join(tmp(), 'a.db');
    writeFileSync(join(dir, 'access.log'), '');
    writeFileSync(join(dir, 'error.log'), '');
    const child = spawn(process.execPath, [CLI, 'follow', dir, '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = lines(child);
    await new Promise((r) => setTimeout(r, 600));
    appendFileSync(join(dir, 'access.log'), acc('192.0.2.44', 'bob', 5));
    const [heuristic] = await out.next(1);
    expect(JSON.parse(heuristic)).toMatchObject({ cause: 'bad_credentials', confidence: 'heuristic', line: 1 });
    appendFileSync(join(dir, 'error.log'), '2026/11/27 10:00:05 [error] 1#1: *1 user "bob" was not found in "/etc/nginx/.htpasswd", client: 192.0.2.44, server: s, request: "GET /staging/ HTTP/1.1", host: "h"\n');
    const updated = await out.next(2);
    expect(JSON.parse(updated[1])).toMatchObject({ cause: 'user_not_found', confidence: 'proven', line: 1, file: join(dir, 'access.log') });
    renameSync(join(dir, 'access.log'), join(dir, 'access.log.1'));
    writeFileSync(join(dir, 'access.log'), acc('192.0.2.45', '-', 9));
    const rotated = await out.next(3);
    expect(JSON.parse(rotated[2])).toMatchObject({ ip: '192.0.2.45', cause: 'no_credentials', line: 1 });
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    const d = new Database(db, { readonly: true });
    expect((d.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n).toBe(2);
    expect((d.prepare("SELECT sum(offset) AS n FROM sources WHERE format = 'nginx-access'").get() as { n: number }).n).toBeGreaterThan(0);
  });
});

describe('follow follows what it was told', () => {
  it('a named access log: its own error log, not the other sites beside it; from its end unless --from-start; a missing or unrecognised file is said', async () => {
    const dir = tmp();
    const db = join(tmp(), 'a.db');
    writeFileSync(join(dir, 'site-a.access.log'), acc('192.0.2.1', 'old', 1));
    writeFileSync(join(dir, 'site-a.error.log'), '');
    writeFileSync(join(dir, 'site-b.access.log'), '');
    writeFileSync(join(dir, 'notes.bin'), Buffer.from([0, 1, 2, 3, 0, 255, 254, 10]));
    const child = spawn(process.execPath, [CLI, 'follow', join(dir, 'site-a.access.log'), join(dir, 'later.log'), join(dir, 'notes.bin'), '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const out = lines(child);
    await new Promise((r) => setTimeout(r, 800));
    appendFileSync(join(dir, 'site-b.access.log'), acc('198.51.100.9', 'siteb', 4));
    appendFileSync(join(dir, 'site-a.access.log'), acc('192.0.2.44', 'bob', 5));
    appendFileSync(join(dir, 'site-a.error.log'), '2026/11/27 10:00:05 [error] 1#1: *1 user "bob" was not found in "/etc/nginx/.htpasswd", client: 192.0.2.44, server: s, request: "GET /staging/ HTTP/1.1", host: "h"\n');
    const got = await out.next(1);
    await new Promise((r) => setTimeout(r, 800));
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    const events = out.got.map((l) => JSON.parse(l));
    // site-a's new line only (line 2: the first is counted, not read), proven by its own error log; never site-b
    expect(events.every((e) => e.ip === '192.0.2.44' && e.line === 2)).toBe(true);
    expect(events.at(-1)).toMatchObject({ ip: '192.0.2.44', cause: 'user_not_found', confidence: 'proven' });
    expect(got.join('\n')).not.toContain('198.51.100.9');
    expect(err).toContain(`following ${join(dir, 'site-a.access.log')} from its end: its 1 line(s) already there are not read (--from-start reads them)`);
    expect(err).toContain(`waiting for ${join(dir, 'later.log')}`);
    expect(err).toMatch(/notes\.bin: not a log authlog recognises/);
    const d = new Database(db, { readonly: true });
    expect((d.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n).toBe(1);
    d.close();

    // --from-start reads what a never-read file holds
    const db2 = join(tmp(), 'b.db');
    const again = spawn(process.execPath, [CLI, 'follow', join(dir, 'site-b.access.log'), '--db', db2, '--from-start'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out2 = lines(again);
    const [first] = await out2.next(1);
    expect(JSON.parse(first)).toMatchObject({ ip: '198.51.100.9', line: 1 });
    again.kill('SIGTERM');
    expect(await exited(again)).toBe(0);
  });
});

describe('stopping a live run', () => {
  it.each(['SIGINT', 'SIGHUP'] as const)('%s writes what was read and exits 0', async (signal) => {
    const db = join(tmp(), 'a.db');
    const child = spawn(process.execPath, [CLI, 'live', '-', '--db', db], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = lines(child);
    child.stdin!.write(acc('192.0.2.7', 'eve', 1));
    await out.next(1);
    child.stdin!.write(acc('192.0.2.8', 'mallory', 2));
    child.kill(signal);
    expect(await exited(child)).toBe(0);
    const n = new Database(db, { readonly: true }).prepare('SELECT count(*) AS n FROM requests').get() as { n: number };
    expect(n.n).toBeGreaterThanOrEqual(1);
  });

  it('a hard kill leaves a consistent database with what was committed', async () => {
    const db = join(tmp(), 'a.db');
    const child = spawn(process.execPath, [CLI, 'live', '-', '--db', db], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out = lines(child);
    child.stdin!.write(acc('192.0.2.9', 'eve', 1) + acc('192.0.2.10', 'eve', 2));
    await out.next(2);
    child.kill('SIGKILL');
    await exited(child);
    const d = new Database(db);
    expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((d.prepare('SELECT count(*) AS n FROM verdicts').get() as { n: number }).n).toBe(2);
  });
});

describe.runIf(hasTmux)('live dashboard in a real terminal (tmux)', () => {
  it.each([[80, 24], [120, 40]])('at %i×%i shows 401s as they come, its state first, and quits on q, giving the terminal back', async (width, height) => {
    const dir = tmp();
    const db = join(tmp(), 'a.db');
    writeFileSync(join(dir, 'access.log'), acc('192.0.2.1', 'alice', 1));
    const t = tmuxSession(`authlog-test-${process.pid}-${width}`, width, height, `sh -c 'echo BEFORE-THE-DASHBOARD; ${process.execPath} ${CLI} follow ${dir} --db ${db}; echo EXITED $?; sleep 30'`);
    try {
      // the line already there is not read (as tail -F): the state and counts lead the top line
      await t.waitFor(/^authlog live · 401 0 · 403 0 · /m);
      appendFileSync(join(dir, 'access.log'), acc('203.0.113.9', '-', 2) + acc('45.95.147.236', 'root', 3));
      await t.waitFor(/401 2 /);
      expect(t.screen()).toMatch(/203\.0\.113\.9 +- +no_credentials/);
      t.keys('p');
      await t.waitFor(/^authlog live · PAUSED · 401 2/m);
      expect(t.screen()).toMatch(/q quit +p pause +\? help/);
      expect(t.screen()).not.toContain('BEFORE-THE-DASHBOARD');
      t.keys('q');
      await t.waitFor(/EXITED 0/);
      expect(t.screen()).toContain('BEFORE-THE-DASHBOARD');
      const rows = new Database(db, { readonly: true }).prepare('SELECT count(*) AS n FROM verdicts').get() as { n: number };
      expect(rows.n).toBe(2);
    } finally {
      t.kill();
    }
  });
});
