import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ingest, type IngestOptions } from '../../src/ingest/ingest.js';
import { parseZone } from '../../src/ingest/zone.js';
import { openDb, type Db } from '../../src/store/db.js';
import { REPO, useTempDir } from '../helpers.js';

const tmp = useTempDir();

function acc(ip: string, user: string, time: string, path: string, status: number): string {
  return `${ip} - ${user} [${time}] "GET ${path} HTTP/1.1" ${status} 10 "-" "Mozilla/5.0"`;
}

async function run(db: Db, paths: string[], extra: Partial<IngestOptions> = {}) {
  return ingest(db, { paths, format: 'auto', keepAll: false, ...extra });
}

const total = (db: Db) => (db.prepare('SELECT coalesce(sum(count), 0) AS n FROM traffic').get() as { n: number }).n;

describe('ingest', () => {
  it('joins an nginx error entry that PHP-FPM continued on further lines, instead of rejecting them', async () => {
    const dir = tmp();
    const entry = [
      '2026/11/27 10:00:00 [error] 1234#1234: *77 FastCGI sent in stderr: "PHP message: PHP Warning:  Undefined variable $x in /var/www/html/index.php on line 3',
      'PHP message: PHP Warning:  foreach() argument must be of type array|object in /var/www/html/index.php on line 4" while reading response header from upstream, client: 192.0.2.9, server: example.com, request: "GET /shop/ HTTP/1.1", upstream: "fastcgi://unix:/run/php/php8.2-fpm.sock:", host: "example.com"',
      '2026/11/27 10:00:01 [error] 1234#1234: *78 user "bob": password mismatch, client: 192.0.2.10, server: example.com, request: "GET /private/ HTTP/1.1", host: "example.com"',
    ];
    writeFileSync(join(dir, 'error.log'), entry.join('\n') + '\n');
    const db = openDb(join(dir, 'a.db'));
    const res = await run(db, [dir], { tz: parseZone('UTC')! });
    expect(res.sources[0]).toMatchObject({ lines: 3, stored: 2, rejected: {} });
    const events = db.prepare('SELECT line, client, target, signal FROM events ORDER BY line').all();
    expect(events).toEqual([
      { line: 1, client: '192.0.2.9', target: '/shop/', signal: null },
      { line: 3, client: '192.0.2.10', target: '/private/', signal: 'password_mismatch' },
    ]);
  });

  it('says when a custom log_format is read as a preset without --log-format (its fields would be lost silently)', async () => {
    const dir = tmp();
    // A real line of the lab's nginx (log_format with $scheme $upstream_status $sent_http_www_authenticate).
    const line = '127.0.0.12 - - [28/Nov/2026:17:30:01 -0500] "GET /api/orders HTTP/1.0" 401 26 "-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0" http 401 "Bearer realm=\\x22api\\x22, error=\\x22invalid_token\\x22"';
    writeFileSync(join(dir, 'api.log'), line + '\n');
    writeFileSync(join(dir, 'plain.log'), line.slice(0, line.indexOf(' http 401')) + '\n');
    const db = openDb(join(dir, 'a.db'));
    const res = await ingest(db, { paths: [dir], format: 'auto', keepAll: false });
    expect(res.warnings).toEqual([expect.stringMatching(/api\.log: its lines go on after the combined format \("http 401 .*pass the log_format from nginx\.conf with --log-format/)]);
    const db2 = openDb(join(dir, 'b.db'));
    const format = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $scheme $upstream_status "$sent_http_www_authenticate"';
    expect((await ingest(db2, { paths: [join(dir, 'api.log')], format: 'auto', logFormat: format, keepAll: false })).warnings).toEqual([]);
  });

  it('reads the samples into a real SQLite file, keeping rejects with file and line', async () => {
    const dir = tmp();
    const db = openDb(join(dir, 'a.db'));
    const res = await run(db, [join(REPO, 'samples')]);
    expect(res.sources.map((s) => [s.path.replace(REPO + '/', ''), s.format, s.status])).toEqual([
      ['samples/apache/access.log', 'nginx-access', 'read'],
      ['samples/apache/error.log', 'apache-error', 'read'],
      ['samples/lab/apache/access.log', 'nginx-access', 'read'],
      ['samples/lab/apache/error.log', 'apache-error', 'read'],
      ['samples/lab/nginx/access.log', 'nginx-access', 'read'],
      ['samples/lab/nginx/error.log', 'nginx-error', 'read'],
      ['samples/lab/wordpress/access.log', 'nginx-access', 'read'],
      ['samples/lab/wordpress/debug.log', 'wordpress-debug', 'read'],
      ['samples/lab/wordpress/error.log', 'nginx-error', 'read'],
      ['samples/nginx/access.log.2.gz', 'nginx-access', 'read'],
      ['samples/nginx/access.log.1', 'nginx-access', 'read'],
      ['samples/nginx/access.log', 'nginx-access', 'read'],
      ['samples/nginx/api-json.log', 'nginx-json', 'read'],
      ['samples/nginx/app-json.log', 'nginx-json', 'read'],
      ['samples/nginx/error.log', 'nginx-error', 'read'],
      ['samples/wordpress/auth.log', 'wp-fail2ban', 'read'],
      ['samples/wordpress/debug.log', 'wordpress-debug', 'read'],
    ]);
    const rejects = db.prepare('SELECT s.path, r.line, r.reason, r.excerpt FROM rejects r JOIN sources s ON s.id = r.source_id ORDER BY r.line').all() as { path: string; line: number; reason: string; excerpt: string }[];
    expect(rejects.map((r) => [r.path.endsWith('nginx/access.log'), r.line, r.reason])).toEqual([[true, 41, 'no_match'], [true, 76, 'no_match']]);
    const lines = readFileSync(join(REPO, 'samples/nginx/access.log'), 'utf8').split('\n');
    expect(rejects[0].excerpt).toBe(lines[40]);
    // every line of every access log is counted exactly once
    const accessLines = res.sources.filter((s) => s.format === 'nginx-access' || s.format === 'nginx-json').reduce((a, s) => a + s.lines - (Object.values(s.rejected)[0] ?? 0), 0);
    expect(total(db)).toBe(accessLines);
    db.close();
  });

  it('reads only what was appended, and nothing for an unchanged file', async () => {
    const dir = tmp();
    const log = join(dir, 'access.log');
    writeFileSync(log, [acc('1.1.1.1', '-', '27/Nov/2026:10:00:00 +0000', '/a', 401), acc('1.1.1.2', '-', '27/Nov/2026:10:00:01 +0000', '/b', 200)].join('\n') + '\n');
    const db = openDb(join(dir, 'a.db'));
    expect((await run(db, [log])).sources[0]).toMatchObject({ status: 'read', lines: 2 });
    expect((await run(db, [log])).sources[0]).toMatchObject({ status: 'unchanged', lines: 0 });
    appendFileSync(log, acc('1.1.1.3', 'bob', '27/Nov/2026:10:00:02 +0000', '/c', 401) + '\n');
    const third = await run(db, [log]);
    expect(third.sources[0]).toMatchObject({ status: 'read', lines: 1, stored: 1 });
    expect(total(db)).toBe(3);
    const rows = db.prepare('SELECT line, user FROM requests ORDER BY line').all();
    expect(rows).toEqual([{ line: 1, user: null }, { line: 3, user: 'bob' }]);
    db.close();
  });

  it('recognises a rotated file by content, renamed or compressed, and never counts it twice', async () => {
    const dir = tmp();
    const log = join(dir, 'access.log');
    const first = Array.from({ length: 40 }, (_, i) => acc(`10.0.0.${i}`, '-', '27/Nov/2026:10:00:00 +0000', `/p${i}`, i % 5 === 0 ? 401 : 200)).join('\n') + '\n';
    writeFileSync(log, first);
    const db = openDb(join(dir, 'a.db'));
    await run(db, [dir]);
    expect(total(db)).toBe(40);
    // logrotate: rename, a few late lines land in the old file, a new file starts
    renameSync(log, join(dir, 'access.log.1'));
    appendFileSync(join(dir, 'access.log.1'), acc('10.0.1.1', '-', '27/Nov/2026:10:05:00 +0000', '/late', 200) + '\n');
    writeFileSync(log, acc('10.0.2.1', '-', '27/Nov/2026:11:00:00 +0000', '/new', 401) + '\n');
    const second = await run(db, [dir]);
    expect(second.sources.filter((s) => s.format !== null).map((s) => [s.path.split('/').pop(), s.lines])).toEqual([['access.log.1', 1], ['access.log', 1]]);
    expect(total(db)).toBe(42);
    // next rotation compresses .1 into .2.gz: same content, nothing new
    writeFileSync(join(dir, 'access.log.2.gz'), gzipSync(readFileSync(join(dir, 'access.log.1'))));
    const third = await run(db, [join(dir, 'access.log.2.gz')]);
    expect(third.sources[0]).toMatchObject({ lines: 0 });
    expect(total(db)).toBe(42);
    db.close();
  });

  it('reads zoneless error logs in the access logs\' offset, or in --tz', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'access.log'), acc('192.0.2.1', 'bob', '27/Nov/2026:11:00:00 +0100', '/x', 401) + '\n');
    writeFileSync(join(dir, 'error.log'), '2026/11/27 11:00:00 [error] 1#1: *1 user "bob" was not found in "/etc/nginx/.htpasswd", client: 192.0.2.1, server: s, request: "GET /x HTTP/1.1", host: "h"\n');
    const db = openDb(':memory:');
    const res = await run(db, [dir]);
    expect(res.zone).toBe('+01:00');
    const ev = db.prepare('SELECT ts, signal, signal_user AS user FROM events').get();
    expect(ev).toEqual({ ts: Date.UTC(2026, 10, 27, 10, 0, 0), signal: 'user_not_found', user: 'bob' });
    const req = db.prepare('SELECT ts FROM requests').get() as { ts: number };
    expect(req.ts).toBe(Date.UTC(2026, 10, 27, 10, 0, 0));

    const other = openDb(':memory:');
    await run(other, [join(dir, 'error.log')], { tz: parseZone('America/New_York')! });
    expect((other.prepare('SELECT ts FROM events').get() as { ts: number }).ts).toBe(Date.UTC(2026, 10, 27, 16, 0, 0));
    // a later run with only the error log remembers the access logs' offset
    const later = openDb(join(dir, 'b.db'));
    await run(later, [join(dir, 'access.log')]);
    writeFileSync(join(dir, 'error2.log'), '2026/11/27 12:00:00 [error] 1#1: *2 access forbidden by rule, client: 192.0.2.1, server: s, request: "GET / HTTP/1.1", host: "h"\n');
    await run(later, [join(dir, 'error2.log')]);
    expect((later.prepare('SELECT ts FROM events').get() as { ts: number }).ts).toBe(Date.UTC(2026, 10, 27, 11, 0, 0));
    for (const d of [db, other, later]) d.close();
  });

  it('honours DST in an IANA zone', () => {
    // 2026-03-29 is the EU switch to summer time: 01:30 is CET (+1), 03:30 is CEST (+2)
    const zone = parseZone('Europe/Berlin')!;
    return import('../../src/ingest/zone.js').then(({ localToUtc }) => {
      expect(localToUtc(Date.UTC(2026, 2, 29, 1, 30), zone)).toBe(Date.UTC(2026, 2, 29, 0, 30));
      expect(localToUtc(Date.UTC(2026, 2, 29, 3, 30), zone)).toBe(Date.UTC(2026, 2, 29, 1, 30));
    });
  });

  it('joins multi-line debug.log entries, and rejects orphans and over-long lines', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'debug.log'), ['#0 orphaned trace line', '[27-Nov-2026 10:00:02 Europe/Berlin] PHP Fatal error:  Uncaught Exception: boom', 'Stack trace:', '#0 {main}', '  thrown in x.php on line 4', '[27-Nov-2026 10:00:03 UTC] short'].join('\n') + '\n');
    writeFileSync(join(dir, 'access.log'), acc('1.2.3.4', '-', '27/Nov/2026:10:00:00 +0000', '/a', 401) + '\n' + acc('1.2.3.4', '-', '27/Nov/2026:10:00:00 +0000', '/' + 'a'.repeat(70_000), 401) + '\n');
    const db = openDb(':memory:');
    await run(db, [dir]);
    const events = db.prepare('SELECT line, ts, message FROM events ORDER BY line').all() as { line: number; ts: number; message: string }[];
    expect(events.map((e) => [e.line, e.ts])).toEqual([[2, Date.UTC(2026, 10, 27, 9, 0, 2)], [6, Date.UTC(2026, 10, 27, 10, 0, 3)]]);
    expect(events[0].message.split('\n')).toHaveLength(4);
    const rejects = db.prepare('SELECT line, reason, length(excerpt) AS len FROM rejects ORDER BY reason').all();
    expect(rejects).toEqual([{ line: 2, reason: 'line_too_long', len: 200 }, { line: 1, reason: 'orphan_continuation', len: 22 }]);
    db.close();
  });
});
