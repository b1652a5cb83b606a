/**
 * `npm run test:lab`: real nginx and Apache (Debian's packages, installed by lab/setup.sh)
 * on loopback, in a zone west and one east of UTC; scripted traffic with its truth; then
 * authlog run on the servers' logs as a user runs it, and every verdict checked.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRow } from '../src/report/event-rows.js';
import { DIGEST_NONCE_LIFETIME_S, NGINX_DETAILED_FORMAT, serversInstalled, startLab, type Lab } from './servers.js';
import { Traffic, type Sent } from './traffic.js';
import { authlog as run, CLI, live, stopped } from './cli.js';

const installed = serversInstalled();

/** An NDJSON record of `authlog events` (and of the live modes). */
type Event = EventRow;

/** A batch command's stdout. */
const authlog = (args: string[]) => run(args).stdout;

/** The 401/403 lines the servers wrote, counted from the raw access logs. */
function rawAuthLines(files: string[]): number {
  let n = 0;
  for (const f of files) for (const line of readFileSync(f, 'utf8').split('\n')) if (/" (401|403) /.test(line)) n++;
  return n;
}

// One zone west and one east of UTC; nginx at its default error level in one, at info (an
// admin looking into 401s) in the other.
describe.skipIf(!installed).each([
  { tz: 'America/New_York', level: 'error' },
  { tz: 'Asia/Tokyo', level: 'info' },
] as const)('the lab, servers in $tz, nginx logging at $level', ({ tz, level }) => {
  let lab: Lab;
  let sent: Sent[] = [];
  let events: Event[] = [];
  let summary = '';
  /** Batch verdicts of nginx's access log alone: what the pipe sees. */
  let accessOnly: Event[] = [];
  let followed: { at: number; event: Event }[] = [];
  let piped: { at: number; event: Event }[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'authlog-lab-'));

  beforeAll(async () => {
    lab = await startLab(dir, tz, level);
    // Live too, while the traffic runs: follow of both servers' log directories, and
    // tail -F of nginx's access log into a pipe (NDJSON).
    // With nginx.conf: the API log's custom format comes from it, as for a user's /var/log/nginx.
    const follow = live(['follow', lab.nginx.logs, lab.apache.logs, '--nginx-conf', lab.nginx.conf, '--db', join(dir, 'follow.db')]);
    const tail = spawn('tail', ['-n', '+1', '-F', join(lab.nginx.logs, 'access.log')], { stdio: ['ignore', 'pipe', 'ignore'] });
    const pipe = live(['--db', join(dir, 'pipe.db')], tail.stdout!);
    await new Promise((r) => setTimeout(r, 1500));
    try {
      const traffic = new Traffic({ nginx: { port: lab.nginx.port }, 'nginx-api': { port: lab.nginx.port }, apache: { port: lab.apache.port } }, level === 'info');
      await traffic.basicAuth('nginx');
      await traffic.missingUserFile();
      await traffic.lockedUserFile('nginx');
      await traffic.lockedUserFile('apache');
      await traffic.bearerApi();
      await traffic.basicAuth('apache');
      await traffic.apacheAuthz();
      await traffic.apacheBehindProxy();
      await traffic.digestAuth(DIGEST_NONCE_LIFETIME_S);
      sent = traffic.sent;
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      for (const c of [follow.child, pipe.child]) c.kill('SIGTERM');
      await Promise.all([stopped(follow.child), stopped(pipe.child)]);
      tail.kill('SIGTERM');
      await lab.stop();
    }
    followed = follow.got;
    piped = pipe.got;
    const db = join(dir, 'lab.db');
    // As a user would: the API log with the log_format copied from nginx.conf, the rest detected.
    summary += authlog(['ingest', join(lab.nginx.logs, 'api-access.log'), '--log-format', NGINX_DETAILED_FORMAT, '--db', db]);
    summary += authlog(['ingest', join(lab.nginx.logs, 'access.log'), join(lab.nginx.logs, 'error.log'), lab.apache.logs, '--db', db]);
    events = authlog(['events', '--db', db, '--format', 'ndjson', '--all']).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Event);
    accessOnly = authlog(['events', join(lab.nginx.logs, 'access.log'), '--db', join(dir, 'access-only.db'), '--format', 'ndjson', '--all', '--quiet']).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Event);
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every line: nothing rejected, no 401/403 missing from events, none extra', () => {
    expect(summary).not.toMatch(/[1-9]\d* rejected/);
    const logs = [join(lab.nginx.logs, 'access.log'), join(lab.nginx.logs, 'api-access.log'), ...readdirSync(lab.apache.logs).filter((f) => f.startsWith('access')).map((f) => join(lab.apache.logs, f))];
    expect(events.length).toBe(rawAuthLines(logs));
    expect(events.length).toBe(sent.filter((s) => s.status === 401 || s.status === 403).length);
  });

  it('reads the custom log with the format named in the lab\'s nginx.conf (--nginx-conf), as with the pasted one', () => {
    const api = join(lab.nginx.logs, 'api-access.log');
    const pick = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l) as Event).map((e) => `${e.line} ${e.cause} ${e.rule} ${e.layer}`);
    const viaConf = authlog(['events', api, '--nginx-conf', lab.nginx.conf, '--db', join(dir, 'conf.db'), '--format', 'ndjson', '--quiet']);
    const pasted = authlog(['events', api, '--log-format', NGINX_DETAILED_FORMAT, '--db', join(dir, 'pasted.db'), '--format', 'ndjson', '--quiet']);
    expect(pick(viaConf)).toEqual(pick(pasted));
    expect(pick(viaConf).length).toBeGreaterThan(1);
  });

  it('says so when the custom log_format is read without --log-format, instead of dropping its fields silently', () => {
    const r = spawnSync(process.execPath, [CLI, 'ingest', join(lab.nginx.logs, 'api-access.log'), '--db', join(dir, 'no-format.db'), '--quiet'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/api-access\.log: its lines go on after the combined format .* pass the log_format from nginx\.conf with --log-format/);
  });

  /**
   * Each sent 401/403 with the batch event of its line (matched by client, status, path and
   * user, in order: a server may write a retry's line before its prompt's, both in one second).
   */
  const pairs = (): { s: Sent; e: Event | undefined }[] => {
    const pool = new Map<string, Event[]>();
    for (const e of events) {
      const key = `${e.ip} ${e.status} ${e.path} ${e.user}`;
      (pool.get(key) ?? pool.set(key, []).get(key)!).push(e);
    }
    return sent.filter((s) => s.expect).map((s) => ({ s, e: pool.get(`${s.ip} ${s.status} ${s.path} ${s.user}`)?.shift() }));
  };

  it('live: each request\'s last emitted verdict is what batch says, the first within 1 s of the request', () => {
    const wrong: string[] = [];
    const pick = (e: Event | undefined) => e && { cause: e.cause, confidence: e.confidence, layer: e.layer, tags: [...e.tags].sort() };
    const tailOf = (file: string) => file.split('/').slice(-3).join('/');
    const check = (name: string, got: { at: number; event: Event }[], keyOf: (e: Event) => string, only: (e: Event) => boolean, batchOf: (e: Event) => Event | undefined = (e) => e) => {
      const last = new Map<string, Event>();
      const first = new Map<string, number>();
      for (const g of got) {
        const key = keyOf(g.event);
        last.set(key, g.event);
        if (!first.has(key)) first.set(key, g.at);
      }
      for (const { s, e: whole } of pairs()) {
        // The pipe reads nginx's main access log alone; follow reads the API log too (its format from nginx.conf).
        if (!whole || (s.server === 'nginx-api' && name !== 'follow') || !only(whole)) continue;
        const e = batchOf(whole);
        if (!e) {
          wrong.push(`${name}: ${s.server} ${s.scenario}: no batch verdict`);
          continue;
        }
        const key = `${tailOf(e.file)}:${e.line}`;
        if (JSON.stringify(pick(last.get(key))) !== JSON.stringify(pick(e))) wrong.push(`${name}: ${s.server} ${s.scenario} ${key}: live ${JSON.stringify(pick(last.get(key)))}, batch ${JSON.stringify(pick(e))}`);
        const delay = (first.get(key) ?? Infinity) - s.at;
        if (delay > 1000) wrong.push(`${name}: ${s.server} ${s.scenario} ${key}: first emitted ${delay} ms after the request`);
      }
    };
    check('follow', followed, (e) => `${tailOf(e.file)}:${e.line}`, () => true);
    check('tail -F |', piped, (e) => `logs/nginx/access.log:${e.line}`, (e) => e.file.endsWith('nginx/access.log'), (e) => accessOnly.find((a) => a.line === e.line));
    expect(wrong).toEqual([]);
  });

  it('gives every 401/403 the verdict its traffic was meant to show', () => {
    const pool = new Map<string, Event[]>();
    for (const e of events) {
      const key = `${e.ip} ${e.status} ${e.path} ${e.user}`;
      (pool.get(key) ?? pool.set(key, []).get(key)!).push(e);
    }
    const wrong: string[] = [];
    for (const s of sent) {
      if (!s.expect) continue;
      const e = pool.get(`${s.ip} ${s.status} ${s.path} ${s.user}`)?.shift();
      const got = e ? { cause: e.cause, confidence: e.confidence, layer: e.layer, tags: e.tags } : null;
      const want = s.expect;
      const ok = got !== null && got.cause === want.cause && (!want.confidence || got.confidence === want.confidence) && (!want.layer || got.layer === want.layer) && (want.tags ?? []).every((t) => got.tags.includes(t));
      if (!ok) wrong.push(`${s.server} ${s.scenario} (${s.ip} ${s.status} ${s.path}): want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
    const total = sent.filter((s) => s.expect).length;
    console.log(`lab (${tz}): ${total - wrong.length}/${total} verdicts right`);
    expect(wrong).toEqual([]);
  });
});
