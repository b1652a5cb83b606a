/** The real CLI, spawned on sample files: output, exit codes and the database it writes. */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { CLI, REPO, STORY_SAMPLES, useTempDir } from '../helpers.js';

const tmp = useTempDir();
const SAMPLES = join(REPO, 'samples');

function authlog(args: string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', AUTHLOG_DB: join(tmp(), 'env.db') } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('authlog CLI', () => {
  it('runs with the heap limits it is measured with (shebang, npm start and NODE_FLAGS agree)', async () => {
    const { NODE_FLAGS } = await import('../../src/cli/node-flags.js');
    const shebang = readFileSync(CLI, 'utf8').split('\n')[0];
    expect(shebang).toBe(`#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: { start: string } };
    expect(pkg.scripts.start).toContain(`node ${NODE_FLAGS.join(' ')} dist/src/cli/main.js`);
    const run = spawnSync(CLI, ['--version'], { encoding: 'utf8' });
    expect(run.stdout).toMatch(/^authlog \d+\.\d+\.\d+\n$/);
  });

  it('prints help and version', () => {
    expect(authlog(['--help']).stdout).toMatch(/^authlog: why is this server answering 401\?/);
    expect(authlog(['--version']).stdout).toBe(`authlog ${JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version}\n`);
    for (const cmd of ['ingest', 'events', 'report', 'doctor', 'query']) expect(authlog([cmd, '--help'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: authlog /) });
    // the filters name every cause and tag the vocabulary has
    const help = authlog(['events', '--help']).stdout.replace(/\s+/g, ' ');
    for (const name of ['session_expired', 'auth_file_missing', 'no_www_authenticate', 'plain_http', 'intermittent', 'proxy_strip_suspect']) expect(help).toContain(name);
  });

  it.each([
    [['frobnicate'], 2, /unknown command "frobnicate"/],
    [['events', '--bogus'], 2, /^authlog: unknown option --bogus \(see --help\)\n$/],
    [['report', '--since'], 2, /^authlog: option --since needs a value \(see --help\)\n$/],
    [['events', '--cause', 'sunspots'], 2, /--cause: /],
    [['events', '--since', 'yesterday-ish'], 2, /--since: "yesterday-ish" is not a time/],
    [['report', '--format', 'pdf'], 2, /--format: /],
    [['ingest', '/no/such/file.log'], 66, /cannot read \/no\/such\/file\.log: no such file or directory/],
    [['ingest', SAMPLES, '--tz', 'Mars/Olympus'], 2, /--tz: unknown time zone "Mars\/Olympus"/],
    [['ingest', SAMPLES, '--log-format', '$remote_user $status'], 2, /--log-format: log format has no \$remote_addr/],
    [['query', 'nope'], 2, /no query named "nope"/],
  ])('%j fails with one line and exit %i', (args, code, message) => {
    const r = authlog(args as string[]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('report PATH writes the report alone to stdout; what it read goes to stderr', () => {
    const r = authlog(['report', SAMPLES, '--db', join(tmp(), 'r.db')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^authlog report \(/);
    expect(r.stdout).not.toMatch(/lines read/);
    expect(r.stderr).toMatch(/samples\/nginx\/error\.log: nginx-error \(nginx\), read in \+01:00; 30 lines read/);
  });

  it('ingests, summarises per source, and ingesting again reads nothing new', () => {
    const db = join(tmp(), 'a.db');
    const first = authlog(['ingest', SAMPLES, '--db', db]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/samples\/nginx\/access\.log: nginx-access \(main\); 138 lines read, \d+ stored, 2 rejected \(no_match 2\)/);
    expect(first.stdout).toMatch(/samples\/nginx\/error\.log: nginx-error \(nginx\), read in \+01:00; 30 lines read, 30 stored, 0 rejected/);
    // Apache's combined log is no nginx format to its user
    expect(first.stdout).toMatch(/samples\/apache\/access\.log: access \(combined\); 26 lines read/);
    const second = authlog(['ingest', SAMPLES, '--db', db]);
    expect(second.stdout).toMatch(/samples\/nginx\/access\.log: unchanged since last run/);
    const report1 = JSON.parse(authlog(['report', '--db', db, '--format', 'json']).stdout);
    const report2 = JSON.parse(authlog(['report', SAMPLES, '--db', db, '--format', 'json']).stdout);
    // the same figures; only when it was made and how it was asked for differ
    const figures = ({ generated_at: _g, scope: _s, ...rest }: Record<string, unknown>) => rest;
    expect(figures(report2)).toEqual(figures(report1));
    expect([report1.scope, report2.scope]).toEqual(['database', 'paths']);
  });

  it('classifies a database again in full when it was classified by another authlog (other rules)', () => {
    const db = join(tmp(), 'revision.db');
    expect(authlog(['ingest', join(SAMPLES, 'nginx', 'access.log'), '--db', db, '--quiet']).code).toBe(0);
    const d = new Database(db);
    const cause = (d.prepare('SELECT cause FROM verdicts ORDER BY request_id LIMIT 1').get() as { cause: string }).cause;
    // As an older authlog would have left it: another verdict, another classifier revision.
    d.prepare("UPDATE verdicts SET cause = 'stale' WHERE request_id = (SELECT min(request_id) FROM verdicts)").run();
    d.prepare("UPDATE meta SET value = '0.0.0 old' WHERE key = 'classifier'").run();
    d.close();
    // Nothing new to read, yet every verdict is made again.
    expect(authlog(['ingest', join(SAMPLES, 'nginx', 'access.log'), '--db', db, '--quiet']).code).toBe(0);
    const again = new Database(db, { readonly: true });
    expect((again.prepare('SELECT cause FROM verdicts ORDER BY request_id LIMIT 1').get() as { cause: string }).cause).toBe(cause);
    expect((again.prepare("SELECT value FROM meta WHERE key = 'classifier'").get() as { value: string }).value).toMatch(/^\d+\.\d+\.\d+ [0-9a-f]{12}$/);
    again.close();
  });

  it('reads stdin, gzip included', async () => {
    const db = join(tmp(), 'a.db');
    const { gzipSync } = await import('node:zlib');
    const log = readFileSync(join(SAMPLES, 'nginx/access.log'));
    const r = authlog(['ingest', '-', '--db', db], gzipSync(log));
    expect(r.stdout).toMatch(/^-: nginx-access \(main\); 138 lines read/);
    const n = new Database(db, { readonly: true }).prepare('SELECT count(*) AS n FROM requests WHERE status = 401').get() as { n: number };
    expect(n.n).toBeGreaterThan(30);
  });

  it('report json has the documented fields and counts every cause in samples/', () => {
    const r = JSON.parse(authlog(['report', SAMPLES, '--db', ':memory:', '--format', 'json']).stdout);
    for (const k of ['requests', 'unauthorized', 'forbidden', 'causes', 'tags', 'top_clients', 'rejected']) expect(r).toHaveProperty(k);
    expect(Object.keys(r.causes).sort()).toEqual(['auth_file_missing', 'bad_credentials', 'forbidden', 'no_credentials', 'nonce_expired', 'password_mismatch', 'session_expired', 'token_rejected', 'unknown', 'user_not_found']);
    expect(Object.keys(r.tags).sort()).toEqual(['automation', 'brute_force', 'challenge', 'intermittent', 'monitor', 'no_www_authenticate', 'plain_http', 'previously_ok', 'proxy_strip_suspect']);
    expect(r.symptoms.map((x: { tag: string }) => x.tag).sort()).toEqual(['automation', 'brute_force', 'intermittent', 'monitor', 'no_www_authenticate', 'plain_http', 'proxy_strip_suspect']);
    expect(r.rejected).toBe(2);
    expect(r.unauthorized + r.forbidden).toBe(Object.values(r.causes as Record<string, number>).reduce((a, b) => a + b, 0));
  });

  it('report -o FILE.html (or .md, .json) without --format writes that format; live on a terminal says how it is used', () => {
    const dir = tmp();
    for (const [ext, start] of [['html', /^<!doctype html>/], ['md', /^# authlog report/], ['json', /^\{/]] as const) {
      expect(authlog(['report', join(SAMPLES, 'nginx'), '--db', ':memory:', '-q', '-o', join(dir, `r.${ext}`)]).code).toBe(0);
      expect(readFileSync(join(dir, `r.${ext}`), 'utf8')).toMatch(start);
    }
    // a report to forward: its range, what it read, when; the timeline keeps quiet hours as gaps
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toMatch(/<p class="meta">2026-11-24T08:00Z – 2026-11-26T11:00Z · the paths named · database :memory: · generated \d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z by authlog /);
    expect(html).toMatch(/<summary>6 log file\(s\) read<\/summary>/);
    expect(html).toMatch(/per hour \(UTC\); 52 hour\(s\) from the first to the last, \d+ of them without any/);
    const hasScript = spawnSync('script', ['--version']).status === 0;
    if (!hasScript) return;
    const r = spawnSync('script', ['-qec', `${process.execPath} ${CLI} live; echo "rc=$?"`, '/dev/null'], { encoding: 'utf8', timeout: 10_000 });
    expect(r.stdout).toMatch(/authlog: live reads a log from a pipe: tail -F .* \| authlog live/);
    expect(r.stdout).toMatch(/rc=2/);
  });

  it('events table never cuts an address, and tag texts never deny the verdict', () => {
    const dir = tmp();
    const log = join(dir, 'access.log');
    const ip = '2001:db8:1234:5678:9abc:def0:1234:5678';
    writeFileSync(log, `${ip} - bob [27/Nov/2026:10:00:00 +0000] "GET /x HTTP/1.1" 401 179 "-" "curl/8.5.0"\n`);
    expect(authlog(['events', log, '--db', ':memory:', '-q', '--format', 'table']).stdout).toContain(` ${ip} `.trimStart());
    const events = authlog(['events', ...STORY_SAMPLES, '--db', ':memory:', '-q', '--format', 'ndjson', '--tag', 'intermittent']).stdout.trim().split('\n');
    expect(events.length).toBeGreaterThan(0);
    for (const l of events) expect(l).not.toContain('not a wrong password');
  });

  it('a time range that finds nothing names the span the database holds and a range to try', () => {
    const r = authlog(['events', join(SAMPLES, 'nginx'), '--db', ':memory:', '--since', '1h', '-q', '--format', 'table']);
    expect(r.stdout).toMatch(/^0 request\(s\)$/m);
    expect(r.stderr).toBe('authlog: nothing in that time range: the database holds 2026-11-24T08:00Z – 2026-11-26T11:00Z (--since counts back from now; try --since 2026-11-26)\n');
    expect(authlog(['report', join(SAMPLES, 'nginx'), '--db', ':memory:', '--since', '1h', '-q']).stderr).toMatch(/nothing in that time range/);
  });

  it('a changed signal pattern reaches a database ingested before it: stored lines get the new signal, verdicts are made again', () => {
    const db = join(tmp(), 'old.db');
    const site = join(tmp(), 'site');
    authlog(['ingest', join(SAMPLES, 'lab', 'nginx'), '--db', db, '--quiet']);
    const rw = new Database(db);
    const proven = () => (rw.prepare("SELECT count(*) AS n FROM verdicts WHERE confidence = 'proven'").get() as { n: number }).n;
    const before = proven();
    // As an older authlog would have left it: no signal on the lines, verdicts without them.
    rw.prepare('UPDATE events SET signal = NULL, signal_user = NULL, signal_object = NULL').run();
    rw.prepare("UPDATE verdicts SET confidence = 'heuristic'").run();
    rw.prepare("UPDATE meta SET value = 'older' WHERE key IN ('signals', 'classifier')").run();
    writeFileSync(site, '');
    expect(authlog(['ingest', site, '--db', db, '--quiet']).code).toBe(0);
    expect((rw.prepare('SELECT count(*) AS n FROM events WHERE signal IS NOT NULL').get() as { n: number }).n).toBeGreaterThan(40);
    expect(proven()).toBe(before);
    expect(before).toBeGreaterThan(40);
    rw.close();
  });

  it('samples/lab, real servers\' output, is read whole: nothing rejected, each cause the lab sent', () => {
    const r = JSON.parse(authlog(['report', join(SAMPLES, 'lab'), '--db', ':memory:', '--format', 'json']).stdout);
    expect(r.rejected).toBe(0);
    expect(Object.keys(r.causes).sort()).toEqual(['auth_file_missing', 'forbidden', 'no_credentials', 'nonce_expired', 'password_mismatch', 'user_not_found']);
    // The lab's brute-force runs: 25 requests each (user names and passwords, nginx and Apache, WordPress).
    expect(r.tags.brute_force).toBe(125);
  });

  it.skipIf(spawnSync('script', ['--version']).status !== 0)('fits the text report to the terminal\'s width, never cutting an address', () => {
    // Read from a deep folder: a rejected line's file path must wrap, wherever the clone lives.
    const deep = join(tmp(), 'a-folder-with-a-long-name-as-in-a-ci-checkout', 'and-another-one-below-it');
    for (const p of STORY_SAMPLES) cpSync(p, join(deep, basename(p)), { recursive: true });
    const run = (cols: number) => {
      const cmd = `stty cols ${cols}; '${process.execPath}' '${CLI}' report ${STORY_SAMPLES.map((p) => `'${join(deep, basename(p))}'`).join(' ')} --db :memory: -q --no-color`;
      return spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8' }).stdout.replace(/\r/g, '');
    };
    for (const cols of [80, 120]) {
      const out = run(cols);
      expect(out).toContain('Top clients');
      for (const line of out.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(cols);
    }
    // an IPv6 client is whole wherever it is shown
    expect(run(80)).toMatch(/^  2001:db8:4::17 +3  no_credentials/m);
  });

  it('never lets log text drive the terminal or the HTML', () => {
    const text = authlog(['events', ...STORY_SAMPLES, '--db', ':memory:', '--format', 'table', '--ip', '198.51.100.66']).stdout;
    expect(text).toContain('no_credentials');
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    const report = authlog(['report', ...STORY_SAMPLES, '--db', ':memory:']).stdout;
    expect(report).not.toMatch(/\u001b/);
    expect(report).toContain('Evil');
    const html = authlog(['report', ...STORY_SAMPLES, '--db', ':memory:', '--format', 'html']).stdout;
    expect(html).toMatch(/^<!doctype html>/);
    // one script, authlog's own (test/cli/hostile.test.ts pins it), and nothing loaded from anywhere
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toMatch(/https?:\/\/(?!www\.)[^"]*\.(css|js)/);
    const dir = tmp();
    const hostile = '192.0.2.9 - <script>alert(1)</script> [27/Nov/2026:10:00:00 +0000] "GET /<img src=x> HTTP/1.1" 401 1 "-" "\\x1B[2J<b>ua</b>"\n';
    writeFileSync(join(dir, 'access.log'), hostile);
    const h = authlog(['report', dir, '--db', ':memory:', '--format', 'html']).stdout;
    expect(h).not.toContain('<script>alert');
    expect(h).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const md = authlog(['report', dir, '--db', ':memory:', '--format', 'markdown']).stdout;
    expect(md).not.toMatch(/\u001b/);
  });

  it('events filters, csv and ndjson', () => {
    const db = join(tmp(), 'a.db');
    authlog(['ingest', ...STORY_SAMPLES, '--db', db]);
    const nd = authlog(['events', '--db', db, '--cause', 'password_mismatch']).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(nd.length).toBeGreaterThan(0);
    expect(nd.every((e: { cause: string }) => e.cause === 'password_mismatch')).toBe(true);
    const since = authlog(['events', '--db', db, '--since', '2026-11-26T00:00:00Z', '--status', '403']).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(since.every((e: { time: string; status: number }) => e.time >= '2026-11-26' && e.status === 403)).toBe(true);
    const tagged = authlog(['events', '--db', db, '--tag', 'challenge']).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(tagged.every((e: { tags: string[] }) => e.tags.includes('challenge'))).toBe(true);
    const csv = authlog(['events', '--db', db, '--format', 'csv', '--user', 'bob']).stdout.trim().split('\n');
    expect(csv[0]).toBe('time,ip,method,path,status,user,cause,confidence,layer,tags,evidence,fix,file,line,source,rule,host');
    expect(csv.length).toBeGreaterThan(1);
  });

  it('doctor puts the findings that explain most 401s first, with evidence, fix and commands', () => {
    const text = authlog(['doctor', ...STORY_SAMPLES, '--db', ':memory:']).stdout;
    const titles = text.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(titles[0]).toMatch(/^1\. Password guessing \[brute_force\]: 72 request\(s\) from 1 client\(s\)/);
    const counts = titles.map((t) => Number(/: (\d+) request/.exec(t)![1]));
    const noise = titles.findIndex((t) => /\[(monitor|automation)\]/.test(t));
    const real = noise < 0 ? counts : counts.slice(0, noise);
    expect(real).toEqual([...real].sort((a, b) => b - a));
    expect(text).toContain("confirm: grep -c '^45\\.95\\.147\\.236 ' ");
    // the error log the database read, not a path it never saw
    expect(text).toMatch(/confirm: grep -nF ops \S*samples\/nginx\/error\.log \| tail/);
    expect(text).not.toContain('/var/log/nginx/error.log');
    expect(text).not.toMatch(/\u001b/);
    const json = JSON.parse(authlog(['doctor', ...STORY_SAMPLES, '--db', ':memory:', '--format', 'json', '--limit', '60']).stdout);
    expect(json.total).toBe(133);
    const kinds = new Set(json.findings.map((f: { cause: string | null; tag: string | null }) => f.cause ?? f.tag));
    for (const k of ['brute_force', 'intermittent', 'no_www_authenticate', 'plain_http', 'proxy_strip_suspect', 'user_not_found', 'password_mismatch', 'auth_file_missing']) expect(kinds, k).toContain(k);
    for (const f of json.findings) {
      expect(f.fix.length).toBeGreaterThan(10);
      expect(f.confirm.length).toBeGreaterThan(0);
      expect(f.evidence.length).toBeGreaterThan(0);
    }
    // Among causes that explain as many requests, what a line proves comes before a guess.
    type F = { kind: string; count: number; evidence: { text: string }[] };
    const causes = (json.findings as F[]).filter((f) => f.kind === 'cause');
    const guess = (f: F) => f.evidence[0].text.startsWith('heuristic');
    for (let i = 1; i < causes.length; i++) {
      if (causes[i].count === causes[i - 1].count) expect(guess(causes[i - 1]) && !guess(causes[i]), `finding ${i}`).toBe(false);
    }
    const md = authlog(['doctor', ...STORY_SAMPLES, '--db', ':memory:', '--format', 'markdown']).stdout;
    expect(md).toMatch(/^# authlog doctor/);
  });

  it('leaves marked clients out of events, reports and doctor unless --all, and manages marks', () => {
    const db = join(tmp(), 'a.db');
    authlog(['ingest', ...STORY_SAMPLES, '--db', db]);
    const before = JSON.parse(authlog(['report', '--db', db, '--format', 'json']).stdout);
    // a mistake is said in the usage's own words (there is no --kind option)
    expect(authlog(['suppress', 'add', 'bogus', 'x', '--db', db])).toMatchObject({ code: 2, stderr: 'authlog: suppress add: "bogus" is not client, user or path\n' });
    expect(authlog(['suppress', 'add', '--db', db])).toMatchObject({ code: 2, stderr: 'authlog: suppress add needs what to mark: client, user or path, then its VALUE\n' });
    expect(authlog(['suppress', 'add', 'client', '45.95.147.236', '--db', db]).stdout).toBe('marked client 45.95.147.236 as expected\n');
    expect(authlog(['suppress', 'add', 'user', 'erin', '--handled', '--db', db]).stdout).toBe('marked user erin as handled\n');
    expect(authlog(['suppress', 'list', '--db', db]).stdout).toMatch(/^ +1 +client +expected .*45\.95\.147\.236\n +2 +user +handled .*erin\n$/);
    const after = JSON.parse(authlog(['report', '--db', db, '--format', 'json']).stdout);
    expect(after.unauthorized).toBe(before.unauthorized - 72 - 3);
    // marks never hide silently
    expect(after.hidden_by_marks).toBe(75);
    expect(authlog(['report', '--db', db]).stdout).toContain('75 401/403 hidden by marks (--all shows them)');
    expect(authlog(['events', '--db', db, '--format', 'table']).stdout).toMatch(/request\(s\); 75 401\/403 hidden by marks \(--all shows them\)\n$/);
    expect(authlog(['doctor', '--db', db]).stderr).toBe('authlog: 75 401/403 hidden by marks (--all shows them)\n');
    expect(after.tags.brute_force ?? 0).toBe(0);
    const events = authlog(['events', '--db', db, '--ip', '45.95.147.236']).stdout;
    expect(events).toBe('');
    expect(authlog(['events', '--db', db, '--ip', '45.95.147.236', '--all']).stdout.trim().split('\n')).toHaveLength(72);
    expect(JSON.parse(authlog(['report', '--db', db, '--format', 'json', '--all']).stdout).unauthorized).toBe(before.unauthorized);
    expect(authlog(['doctor', '--db', db]).stdout).not.toContain('45.95.147.236');
    expect(authlog(['suppress', 'remove', '1', '--db', db]).stdout).toBe('removed 1 mark(s)\n');
    expect(authlog(['suppress', 'remove', 'user', 'erin', '--db', db]).stdout).toBe('removed 1 mark(s)\n');
    expect(authlog(['suppress', 'remove', '9', '--db', db])).toMatchObject({ code: 2, stderr: 'authlog: no such mark (authlog suppress list shows them)\n' });
    const { generated_at: _a, ...now } = JSON.parse(authlog(['report', '--db', db, '--format', 'json']).stdout);
    const { generated_at: _b, ...then } = before;
    expect(now).toEqual(then);
  });

  it('lists and runs named queries with bound parameters', () => {
    const db = join(tmp(), 'a.db');
    authlog(['ingest', SAMPLES, '--db', db]);
    const list = authlog(['query', '--list']).stdout;
    expect(list).toMatch(/^brute-force +clients tagged brute_force/m);
    // the descriptions start in one column
    expect(new Set(list.trim().split('\n').map((l) => /^\S+ +/.exec(l)![0].length)).size).toBe(1);
    const rows = authlog(['query', 'top-users', '--db', db, '--param', 'limit=2', '--param', "cause=user_not_found' OR 1=1 --"]).stdout.trim();
    expect(rows).toBe('');
    const top = authlog(['query', 'top-users', '--db', db, '--param', 'limit=2', '--format', 'json']).stdout;
    expect(JSON.parse(top)).toHaveLength(2);
  });
});
