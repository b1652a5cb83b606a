/**
 * A report on named paths covers those paths' sources, not the whole database: one database
 * holding the samples beside a site (issue "newcomer's first hour"). Without paths, the whole
 * database. Every report names its sources, range and database.
 */
import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { CLI, REPO, useTempDir } from '../helpers.js';

const tmp = useTempDir();

function authlog(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

it('report, events and doctor on named paths count those paths only; without paths the whole database', () => {
  const dir = tmp();
  const site = join(dir, 'site');
  const sample = join(dir, 'samples');
  cpSync(join(REPO, 'samples', 'apache'), site, { recursive: true });
  cpSync(join(REPO, 'samples', 'nginx'), sample, { recursive: true });
  const db = join(dir, 'a.db');
  // The README's order: the samples first, then the site, into one database.
  expect(authlog(['events', sample, '--db', db, '--format', 'ndjson', '-q']).code).toBe(0);
  const siteOnly = JSON.parse(authlog(['report', site, '--db', db, '--format', 'json', '-q']).stdout);
  const all = JSON.parse(authlog(['report', '--db', db, '--format', 'json']).stdout);

  // Ground truth: the site's own lines and 401/403s.
  const truth = new Database(db, { readonly: true });
  const siteSources = truth.prepare('SELECT id FROM sources WHERE path LIKE ?').all(`${site}%`).map((r) => (r as { id: number }).id);
  const q = (sql: string) => (truth.prepare(sql).get(...siteSources) as { n: number }).n;
  const marks = siteSources.map(() => '?').join(',');
  const siteRequests = q(`SELECT sum(count) AS n FROM traffic WHERE source_id IN (${marks})`);
  const site401 = q(`SELECT count(*) AS n FROM requests WHERE status = 401 AND source_id IN (${marks})`);
  const allRequests = (truth.prepare('SELECT sum(count) AS n FROM traffic').get() as { n: number }).n;
  truth.close();

  expect(siteOnly.scope).toBe('paths');
  expect(siteOnly.requests).toBe(siteRequests);
  expect(siteOnly.unauthorized).toBe(site401);
  expect(siteOnly.sources.map((s: { path: string }) => s.path).every((p: string) => p.startsWith(site))).toBe(true);
  expect(siteOnly.database).toBe(db);
  expect(siteOnly.range.from).toMatch(/^2026-11-26T/);
  expect(all.scope).toBe('database');
  expect(all.requests).toBe(allRequests);
  expect(all.requests).toBeGreaterThan(siteOnly.requests);
  // the sample's attacker is not in the site's report
  expect(JSON.stringify(siteOnly.top_clients)).not.toContain('45.95.147.236');
  expect(JSON.stringify(all.top_clients)).toContain('45.95.147.236');

  const events = authlog(['events', site, '--db', db, '--format', 'ndjson', '-q']).stdout.trim().split('\n').map((l) => JSON.parse(l));
  expect(events.length).toBe(siteOnly.unauthorized + siteOnly.forbidden);
  for (const e of events) expect(e.file.startsWith(site)).toBe(true);

  const text = authlog(['report', site, '--db', db, '-q']).stdout;
  // the header, wrapped to the width, says what it covers
  const header = text.slice(0, text.indexOf('\nrequests ')).split('\n').slice(1).join(' ');
  expect(header).toMatch(new RegExp(`^the paths named: 2 source\\(s\\): .* · database ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  const doctor = authlog(['doctor', site, '--db', db, '-q']).stdout;
  expect(doctor).not.toContain('45.95.147.236');
});

it('a database upgraded from per-minute counts without a source keeps those counts in a scoped report, and says so', () => {
  const dir = tmp();
  cpSync(join(REPO, 'samples', 'apache'), join(dir, 'site'), { recursive: true });
  const db = join(dir, 'a.db');
  expect(authlog(['ingest', join(dir, 'site'), '--db', db, '-q']).code).toBe(0);
  // what migration 6 makes of an older database's counts
  const raw = new Database(db);
  raw.exec('UPDATE traffic SET source_id = 0');
  const total = (raw.prepare('SELECT sum(count) AS n FROM traffic').get() as { n: number }).n;
  raw.close();
  const r = JSON.parse(authlog(['report', join(dir, 'site'), '--db', db, '--format', 'json', '-q']).stdout);
  expect(r.requests).toBe(total);
  expect(authlog(['report', join(dir, 'site'), '--db', db, '-q']).stdout.replace(/\n/g, ' ')).toContain('requests an older authlog counted are not per file');
});
