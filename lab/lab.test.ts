/**
 * `npm run test:lab`: real nginx and Apache (Debian's packages, installed by lab/setup.sh)
 * on loopback, in a zone west and one east of UTC; scripted traffic with its truth; then
 * authlog run on the servers' logs as a user runs it, and every verdict checked.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NGINX_DETAILED_FORMAT, serversInstalled, startLab, type Lab } from './servers.js';
import { Traffic, type Sent } from './traffic.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js');
const installed = serversInstalled();

interface Event {
  ip: string;
  path: string;
  status: number;
  user: string | null;
  cause: string;
  confidence: string;
  layer: string;
  tags: string[];
  file: string;
  line: number;
}

function authlog(args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`authlog ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** The 401/403 lines the servers wrote, counted from the raw access logs. */
function rawAuthLines(files: string[]): number {
  let n = 0;
  for (const f of files) for (const line of readFileSync(f, 'utf8').split('\n')) if (/" (401|403) /.test(line)) n++;
  return n;
}

describe.skipIf(!installed).each(['America/New_York', 'Asia/Tokyo'])('the lab, servers in %s', (tz) => {
  let lab: Lab;
  let sent: Sent[] = [];
  let events: Event[] = [];
  let summary = '';
  const dir = mkdtempSync(join(tmpdir(), 'authlog-lab-'));

  beforeAll(async () => {
    lab = await startLab(dir, tz);
    try {
      const traffic = new Traffic({ nginx: { port: lab.nginx.port }, 'nginx-api': { port: lab.nginx.port }, apache: { port: lab.apache.port } });
      await traffic.basicAuth('nginx');
      await traffic.missingUserFile();
      await traffic.bearerApi();
      await traffic.basicAuth('apache');
      sent = traffic.sent;
    } finally {
      await lab.stop();
    }
    const db = join(dir, 'lab.db');
    // As a user would: the API log with the log_format copied from nginx.conf, the rest detected.
    summary += authlog(['ingest', join(lab.nginx.logs, 'api-access.log'), '--log-format', NGINX_DETAILED_FORMAT, '--db', db]);
    summary += authlog(['ingest', join(lab.nginx.logs, 'access.log'), join(lab.nginx.logs, 'error.log'), lab.apache.logs, '--db', db]);
    events = authlog(['events', '--db', db, '--format', 'ndjson', '--all']).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Event);
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every line: nothing rejected, no 401/403 missing from events, none extra', () => {
    expect(summary).not.toMatch(/[1-9]\d* rejected/);
    const logs = [join(lab.nginx.logs, 'access.log'), join(lab.nginx.logs, 'api-access.log'), ...readdirSync(lab.apache.logs).filter((f) => f.startsWith('access')).map((f) => join(lab.apache.logs, f))];
    expect(events.length).toBe(rawAuthLines(logs));
    expect(events.length).toBe(sent.filter((s) => s.status === 401 || s.status === 403).length);
  });

  it('says so when the custom log_format is read without --log-format, instead of dropping its fields silently', () => {
    const r = spawnSync(process.execPath, [CLI, 'ingest', join(lab.nginx.logs, 'api-access.log'), '--db', join(dir, 'no-format.db'), '--quiet'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/api-access\.log: its lines go on after the combined format .* pass the log_format from nginx\.conf with --log-format/);
  });

  it('gives every 401/403 the verdict its traffic was meant to show', () => {
    const pool = new Map<string, Event[]>();
    for (const e of events) {
      const key = `${e.ip} ${e.status} ${e.path}`;
      (pool.get(key) ?? pool.set(key, []).get(key)!).push(e);
    }
    const wrong: string[] = [];
    for (const s of sent) {
      if (!s.expect) continue;
      const e = pool.get(`${s.ip} ${s.status} ${s.path}`)?.shift();
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
