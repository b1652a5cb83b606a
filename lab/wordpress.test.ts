/**
 * `npm run test:lab`, WordPress: Debian's WordPress 6.1 on php-fpm 8.2 and MariaDB behind
 * nginx, authlog's must-use plugin writing debug.log; scripted traffic with its truth, then
 * authlog run on nginx's logs and debug.log as a user runs it, and every verdict checked.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRow } from '../src/report/event-rows.js';
import { Traffic, type Sent } from './traffic.js';
import { startWordPress, wordpressInstalled, type WordPressLab } from './wordpress.js';
import { authlog, live, stopped } from './cli.js';

const ndjson = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as EventRow);

/** Each sent 401/403 with the event of its line (by client, status and path, in order). */
function pairs(sent: Sent[], events: EventRow[]): { s: Sent; e: EventRow | undefined }[] {
  const pool = new Map<string, EventRow[]>();
  for (const e of events) {
    const key = `${e.ip} ${e.status} ${e.path}`;
    (pool.get(key) ?? pool.set(key, []).get(key)!).push(e);
  }
  return sent.filter((s) => s.status === 401 || s.status === 403).map((s) => ({ s, e: pool.get(`${s.ip} ${s.status} ${s.path}`)?.shift() }));
}

describe.skipIf(!wordpressInstalled()).each(['Europe/Berlin', 'America/Los_Angeles'])('the lab, WordPress behind nginx in %s', (tz) => {
  let wp: WordPressLab;
  let sent: Sent[] = [];
  let events: EventRow[] = [];
  let accessOnly: EventRow[] = [];
  let summary = '';
  let followed: { at: number; event: EventRow }[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'authlog-wplab-'));

  beforeAll(async () => {
    wp = await startWordPress(dir, tz);
    // Live too: follow of nginx's log directory and debug.log while the traffic runs.
    const follow = live(['follow', wp.logs, wp.debugLog, '--db', join(dir, 'follow.db')]);
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const traffic = new Traffic({ wordpress: { port: wp.port } });
      await traffic.wordpress(wp);
      sent = traffic.sent;
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      follow.child.kill('SIGTERM');
      await stopped(follow.child);
      await wp.stop();
    }
    followed = follow.got;
    const db = join(dir, 'wp.db');
    const run = authlog(['ingest', wp.logs, wp.debugLog, '--db', db]);
    summary = run.stdout + run.stderr;
    events = ndjson(authlog(['events', '--db', db, '--format', 'ndjson', '--all']).stdout);
    accessOnly = ndjson(authlog(['events', join(wp.logs, 'access.log'), '--db', join(dir, 'access-only.db'), '--format', 'ndjson', '--all', '--quiet']).stdout);
  }, 120_000);

  // AUTHLOG_LAB_KEEP=1 keeps the servers' logs and databases to look at.
  afterAll(() => (process.env.AUTHLOG_LAB_KEEP ? console.log(`lab kept in ${dir}`) : rmSync(dir, { recursive: true, force: true })));

  it('reads every line of nginx\'s logs and debug.log (PHP notices included): nothing rejected, every 401/403 there', () => {
    expect(summary).not.toMatch(/[1-9]\d* rejected/);
    const raw = readFileSync(join(wp.logs, 'access.log'), 'utf8').split('\n').filter((l) => /" (401|403) /.test(l)).length;
    expect(events.length).toBe(raw);
    expect(events.length).toBe(sent.filter((s) => s.status === 401 || s.status === 403).length);
  });

  it('gives every 401/403 the verdict its traffic was meant to show', () => {
    const wrong: string[] = [];
    for (const { s, e } of pairs(sent, events)) {
      if (!s.expect) continue;
      const got = e ? { cause: e.cause, confidence: e.confidence, layer: e.layer, tags: e.tags, rule: e.rule, evidence: e.evidence } : null;
      const want = s.expect;
      const ok = got !== null && got.cause === want.cause && (!want.confidence || got.confidence === want.confidence) && (!want.layer || got.layer === want.layer) && (want.tags ?? []).every((t) => got.tags.includes(t)) && (!want.rule || got.rule === want.rule);
      if (!ok) wrong.push(`${s.scenario} (${s.ip} ${s.status} ${s.path}): want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
    const total = sent.filter((s) => s.expect).length;
    console.log(`lab (WordPress, ${tz}): ${total - wrong.length}/${total} verdicts right`);
    expect(wrong).toEqual([]);
  });

  it('live: each request\'s last emitted verdict is what batch says, the first within 1 s of the request', () => {
    const pick = (e: EventRow | undefined) => e && { cause: e.cause, confidence: e.confidence, layer: e.layer, rule: e.rule, tags: [...e.tags].sort() };
    const last = new Map<number, EventRow>();
    const first = new Map<number, number>();
    for (const g of followed) {
      last.set(g.event.line, g.event);
      if (!first.has(g.event.line)) first.set(g.event.line, g.at);
    }
    const wrong: string[] = [];
    for (const { s, e } of pairs(sent, events)) {
      if (!e) continue;
      if (JSON.stringify(pick(last.get(e.line))) !== JSON.stringify(pick(e))) wrong.push(`${s.scenario} line ${e.line}: live ${JSON.stringify(pick(last.get(e.line)))}, batch ${JSON.stringify(pick(e))}`);
      const delay = (first.get(e.line) ?? Infinity) - s.at;
      if (delay > 1000) wrong.push(`${s.scenario} line ${e.line}: first emitted ${delay} ms after the request`);
    }
    expect(wrong).toEqual([]);
  });

  it('without debug.log, the nonce 403s of real browser traffic (chunked bodies) are still read as nonce failures', () => {
    const wrong: string[] = [];
    for (const { s, e } of pairs(sent, accessOnly)) {
      if (s.expect?.cause !== 'nonce_expired') continue;
      if (e?.cause !== 'nonce_expired' || e.confidence !== 'heuristic') wrong.push(`${s.scenario}: got ${e?.cause} (${e?.confidence})`);
    }
    expect(wrong).toEqual([]);
  });
});
