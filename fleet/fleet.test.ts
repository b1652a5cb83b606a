/**
 * The fleet suite: authlog ship and the fleet reads against the real ClickHouse engine.
 * Without CLICKHOUSE_URL it runs on chDB (ClickHouse in-process, installed into fleet/ by
 * `npm run test:fleet`); with CLICKHOUSE_URL (http://user:password@host:8123) on that
 * server, each run in databases of its own.
 *
 * chDB lets one process at a time open a store directory: the test process opens its client
 * only between CLI runs, and closes it before the next.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, parseStoreUrl } from '../src/fleet/clickhouse.js';
import { ship, applySchema } from '../src/fleet/ship.js';
import { openDb } from '../src/store/db.js';
import { loadQueries, QueryRunner, type Params } from '../src/store/queries.js';
import { ClickHouseReader } from '../src/fleet/reader.js';
import { shipHost } from '../src/fleet/outbox.js';
import { GOLDEN, hasTmux, prepareGolden, tmuxSession } from '../test/helpers.js';

const REPO = join(import.meta.dirname, '..');
const CLI = join(REPO, 'dist', 'src', 'cli', 'main.js');
const SAMPLES = join(REPO, 'samples');
const WORK = mkdtempSync(join(tmpdir(), 'authlog-fleet-'));
// chdb is installed in fleet/ (npm run test:fleet): authlog looks for it from where it runs.
process.chdir(import.meta.dirname);
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

let stores = 0;
/** A fresh, empty fleet store: a chDB directory, or a database of its own on CLICKHOUSE_URL. */
function newStore(): string {
  stores++;
  if (process.env.CLICKHOUSE_URL) {
    const u = new URL(process.env.CLICKHOUSE_URL);
    u.pathname = `/authlog_test_${process.pid}_${stores}`;
    return u.toString();
  }
  return `chdb:${join(WORK, `store-${stores}`)}`;
}

/** Runs the CLI from fleet/ (where chdb is installed). */
function authlog(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: import.meta.dirname, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Opens the store in this process for one read, then closes it (chDB: one process at a time). */
async function withStore<T>(url: string, read: (c: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const client = await openStore(parseStoreUrl(url));
  try {
    return await read(client);
  } finally {
    await client.close();
  }
}

/** Creates the store's database and tables, as ship --init does. */
async function initStore(url: string): Promise<void> {
  const store = parseStoreUrl(url);
  const admin = await openStore(store, 'default');
  try {
    await applySchema(admin, store.database, 90);
  } finally {
    await admin.close();
  }
}

async function rows<T = Record<string, unknown>>(url: string, query: string): Promise<T[]> {
  return withStore(url, async (c) => (await (await c.query({ query, format: 'JSONEachRow' })).json()) as T[]);
}

/** What the store holds, read as every fleet query reads it (FINAL: one row per key). */
async function storeTotals(url: string, host?: string) {
  const where = host ? `WHERE host = '${host}'` : '';
  const [t] = await rows<{ verdicts: number; distinct_keys: number; requests: number }>(url, `SELECT
    (SELECT count() FROM verdicts FINAL ${where}) AS verdicts,
    (SELECT uniqExact(host, source, line) FROM verdicts ${where}) AS distinct_keys,
    (SELECT sum(count) FROM traffic FINAL ${where}) AS requests`);
  return t;
}

function localTotals(dbPath: string) {
  const db = new Database(dbPath, { readonly: true });
  const t = {
    verdicts: (db.prepare('SELECT count(*) FROM verdicts').pluck().get() as number),
    requests: (db.prepare('SELECT coalesce(sum(count), 0) FROM traffic').pluck().get() as number),
  };
  db.close();
  return t;
}

function lostDoubled(what: string, expected: { verdicts: number; requests: number }, got: { verdicts: number; requests: number }) {
  const line = `${what}: verdicts ${got.verdicts}/${expected.verdicts}, requests ${got.requests}/${expected.requests}: lost=${Math.max(0, expected.verdicts - got.verdicts) + Math.max(0, expected.requests - got.requests)} doubled=${Math.max(0, got.verdicts - expected.verdicts) + Math.max(0, got.requests - expected.requests)}`;
  process.stdout.write(line + '\n');
  return line;
}

/** Three servers' databases: the hand-written story's nginx, Apache and WordPress logs, and the lab's. */
const HOSTS = { web1: ['nginx', 'lab/nginx'], web2: ['apache', 'lab/apache'], web3: ['wordpress', 'lab/wordpress'] } as const;
let hostDbs = 0;
function hostDb(host: keyof typeof HOSTS): string {
  const db = join(WORK, `${host}-${++hostDbs}.db`);
  const r = authlog(['ingest', ...HOSTS[host].map((d) => join(SAMPLES, d)), '--db', db, '--quiet']);
  expect(r.code, r.stderr).toBe(0);
  return db;
}

/** An nginx access and error log pair (the formats nginx writes, as the lab records them). */
function nginxLogs(dir: string, lines: { ts: number; ip: string; user: string | null; status: number; path: string; error?: string }[]) {
  mkdirSync(dir, { recursive: true });
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number) => String(n).padStart(2, '0');
  const clf = (t: Date) => `${p2(t.getUTCDate())}/${mon[t.getUTCMonth()]}/${t.getUTCFullYear()}:${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())} +0000`;
  const err = (t: Date) => `${t.getUTCFullYear()}/${p2(t.getUTCMonth() + 1)}/${p2(t.getUTCDate())} ${p2(t.getUTCHours())}:${p2(t.getUTCMinutes())}:${p2(t.getUTCSeconds())}`;
  let access = '';
  let error = '';
  let conn = 1;
  for (const l of lines) {
    const t = new Date(l.ts);
    access += `${l.ip} - ${l.user ?? '-'} [${clf(t)}] "GET ${l.path} HTTP/1.1" ${l.status} ${l.status === 200 ? 612 : 179} "-" "curl/8.5.0"\n`;
    if (l.error) error += `${err(t)} [error] 812#812: *${conn++} ${l.error}, client: ${l.ip}, server: localhost, request: "GET ${l.path} HTTP/1.1", host: "localhost"\n`;
  }
  writeFileSync(join(dir, 'access.log'), access);
  writeFileSync(join(dir, 'error.log'), error);
}

describe('fleet: authlog ship into ClickHouse', () => {
  it('the schema applies, twice, with the retention asked', async () => {
    const url = newStore();
    const store = parseStoreUrl(url);
    const admin = await openStore(store, 'default');
    try {
      expect(await applySchema(admin, store.database, 30)).toBe(6);
      await applySchema(admin, store.database, 30);
      const tables = (await (await admin.query({ query: `SELECT name, engine FROM system.tables WHERE database = '${store.database}' ORDER BY name`, format: 'JSONEachRow' })).json()) as { name: string; engine: string }[];
      expect(tables.map((t) => t.name)).toEqual(['client_ok', 'rejects', 'sources', 'traffic', 'verdicts']);
      for (const t of tables) expect(t.engine).toBe('ReplacingMergeTree');
      const create = (await (await admin.query({ query: `SHOW CREATE TABLE ${store.database}.verdicts`, format: 'TabSeparatedRaw' })).text());
      expect(create).toContain('toIntervalDay(30)');
      // 0: no expiry; beyond ten years refused (ClickHouse's DateTime ends in 2106: a TTL past it drops every row).
      await applySchema(admin, `${store.database}_forever`, 0);
      expect(await (await admin.query({ query: `SHOW CREATE TABLE ${store.database}_forever.verdicts`, format: 'TabSeparatedRaw' })).text()).not.toContain('TTL');
      await expect(applySchema(admin, `${store.database}_forever`, 36_500)).rejects.toThrow(/1 to 3650/);
      expect(create).toMatch(/`?confidence`? Enum8\('proven' = 1, 'heuristic' = 2\)/);
    } finally {
      await admin.close();
    }
  });

  it('three hosts ship; the fleet report is the union of the per-host reports, and --host gives each host\'s own', async () => {
    const url = newStore();
    const dbs = { web1: hostDb('web1'), web2: hostDb('web2'), web3: hostDb('web3') };
    for (const [host, db] of Object.entries(dbs)) {
      const r = authlog(['ship', '--to', url, '--db', db, '--host', host, ...(host === 'web1' ? ['--init'] : [])]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/shipped [\d,]+ verdict\(s\)/);
    }
    const fleet = JSON.parse(authlog(['report', '--store', url, '--format', 'json']).stdout);
    const per = Object.fromEntries(Object.entries(dbs).map(([h, db]) => [h, JSON.parse(authlog(['report', '--db', db, '--format', 'json']).stdout)]));
    const sum = (f: (r: Record<string, unknown>) => number) => Object.values(per).reduce((a, r) => a + f(r), 0);
    expect(fleet.requests).toBe(sum((r) => r.requests as number));
    expect(fleet.unauthorized).toBe(sum((r) => r.unauthorized as number));
    expect(fleet.forbidden).toBe(sum((r) => r.forbidden as number));
    expect(fleet.rejected).toBe(sum((r) => r.rejected as number));
    const merged = (key: string) => {
      const m: Record<string, number> = {};
      for (const r of Object.values(per)) for (const [k, v] of Object.entries(r[key] as Record<string, number>)) m[k] = (m[k] ?? 0) + v;
      return m;
    };
    expect(fleet.causes).toEqual(merged('causes'));
    expect(fleet.tags).toEqual(merged('tags'));
    const hours: Record<string, number[]> = {};
    for (const r of Object.values(per)) for (const h of r.timeline as { hour: string; requests: number; unauthorized: number; forbidden: number }[]) {
      const x = (hours[h.hour] ??= [0, 0, 0]);
      x[0] += h.requests; x[1] += h.unauthorized; x[2] += h.forbidden;
    }
    expect(Object.fromEntries((fleet.timeline as { hour: string; requests: number; unauthorized: number; forbidden: number }[]).map((h) => [h.hour, [h.requests, h.unauthorized, h.forbidden]]))).toEqual(hours);
    // Top clients: counted over the union of every host's events.
    const byIp = new Map<string, number>();
    for (const db of Object.values(dbs)) for (const line of authlog(['events', '--db', db, '--format', 'ndjson']).stdout.trim().split('\n')) {
      const e = JSON.parse(line) as { ip: string };
      byIp.set(e.ip, (byIp.get(e.ip) ?? 0) + 1);
    }
    const top = [...byIp].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
    expect((fleet.top_clients as { ip: string; count: number }[]).map((c) => [c.ip, c.count])).toEqual(top);
    // One host of the fleet is that host's own report (the sources and the database named aside).
    const strip = (r: Record<string, unknown>) => {
      const { generated_at: _g, database: _d, sources: _s, causes_by_status: c, top_users: _u, ...rest } = r;
      return { ...rest, causes_by_status: (c as { fix: string }[]).map(({ fix: _f, ...x }) => x) };
    };
    for (const host of Object.keys(dbs)) {
      expect(strip(JSON.parse(authlog(['report', '--store', url, '--host', host, '--format', 'json']).stdout))).toEqual(strip(per[host]));
    }
    // events carry the host; the text report names the fleet's files with their server.
    const events = authlog(['events', '--store', url, '--host', 'web2', '--format', 'ndjson']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { host: string });
    expect(events.length).toBe(per.web2.unauthorized + per.web2.forbidden);
    expect(new Set(events.map((e) => e.host))).toEqual(new Set(['web2']));
    expect(authlog(['report', '--store', url]).stdout).toMatch(/web1:\S+access\.log/);
  });

  it('shipping again, a lost acknowledgement and a ship that fails half-way store every row once', async () => {
    const url = newStore();
    const dbPath = hostDb('web1');
    const truth = localTotals(dbPath);
    const store = parseStoreUrl(url);
    await initStore(url);
    const db = openDb(dbPath, 'existing');
    const { host } = shipHost(db, 'web1', 'x');
    const client = await openStore(store);
    try {
      // A store that fails on the 4th insert: the batch is sent in part, never acknowledged.
      let inserts = 0;
      const failing = new Proxy(client, {
        get(target, prop, receiver) {
          if (prop === 'insert') return async (...args: Parameters<typeof client.insert>) => {
            if (++inserts === 4) throw new Error('connection reset by peer');
            return target.insert(...args);
          };
          return Reflect.get(target, prop, receiver);
        },
      });
      await expect(ship(db, failing, { host, target: store.label, batchSize: 150 })).rejects.toThrow(/connection reset/);
      const first = await ship(db, client, { host, target: store.label, batchSize: 150 });
      expect(first.batches).toBeGreaterThan(1);
      expect(lostDoubled('ship failing half-way, then again', truth, await countsVia(client))).toMatch(/lost=0 doubled=0/);
      // Nothing new: nothing sent.
      expect((await ship(db, client, { host, target: store.label, batchSize: 150 })).changes).toBe(0);
      // New lines, and the store's answer lost after it stored a batch: the batch is sent again, counted once.
      db.prepare("UPDATE traffic SET count = count + 5 WHERE (minute, source_id, status) IN (SELECT minute, source_id, status FROM traffic LIMIT 3)").run();
      db.prepare('UPDATE verdicts SET tags = tags').run();
      const tokens: string[][] = [[], []];
      const recording = (attempt: number, loseAnswer: boolean) => new Proxy(client, {
        get(target, prop, receiver) {
          if (prop === 'insert') return async (...args: Parameters<typeof client.insert>) => {
            tokens[attempt].push(String(args[0].clickhouse_settings?.insert_deduplication_token));
            const r = await target.insert(...args);
            if (!loseAnswer) return r;
            if (args[0].table === 'verdicts') throw new Error('socket hang up');
            return r;
          };
          return Reflect.get(target, prop, receiver);
        },
      });
      await expect(ship(db, recording(0, true), { host, target: store.label, batchSize: 150 })).rejects.toThrow(/hang up/);
      // The retry cuts its batch elsewhere (another batch size): another deduplication token, as
      // when a retry comes after the store's deduplication window. The rows go in again and are
      // read once: each is keyed by where it came from.
      expect((await ship(db, recording(1, false), { host, target: store.label, batchSize: 400 })).changes).toBeGreaterThan(150);
      expect(tokens[0].length).toBeGreaterThan(0);
      for (const t of tokens[0]) expect(tokens[1]).not.toContain(t);
      expect(lostDoubled('an answer lost after the store stored the batch, then again', { ...truth, requests: truth.requests + 15 }, await countsVia(client))).toMatch(/lost=0 doubled=0/);
    } finally {
      await client.close();
      db.close();
    }
  });

  it('kill -9 of ship at random moments, then a full run: lost = 0, doubled = 0', async () => {
    const url = newStore();
    const dir = join(WORK, 'kill');
    const t0 = Date.UTC(2026, 10, 27, 10);
    const lines = Array.from({ length: 20_000 }, (_, i) => {
      const bad = i % 7 === 0;
      return { ts: t0 + i * 1000, ip: `203.0.113.${i % 200}`, user: bad ? `u${i % 50}` : null, status: bad ? 401 : 200, path: bad ? '/admin/' : `/p/${i % 30}`,
        error: bad ? `user "u${i % 50}": password mismatch` : undefined };
    });
    nginxLogs(dir, lines);
    const dbPath = join(WORK, 'kill.db');
    expect(authlog(['ingest', dir, '--db', dbPath, '-q']).code).toBe(0);
    const truth = localTotals(dbPath);
    // The same database twice: one ships in one go, the other is killed three times on the way.
    const killed = join(WORK, 'kill2.db');
    cpSync(dbPath, killed);
    expect(authlog(['ship', '--to', url, '--init', '--db', dbPath, '--host', 'k1', '--batch', '300', '-q']).code).toBe(0);
    const url2 = newStore();
    await initStore(url2);
    let kills = 0;
    for (const delay of [0, 1, 2].map(() => 500 + Math.floor(Math.random() * 700))) {
      const child = spawn(process.execPath, [CLI, 'ship', '--to', url2, '--db', killed, '--host', 'k1', '--batch', '100', '-q'], { cwd: import.meta.dirname, stdio: 'ignore' });
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, delay));
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        kills++;
      }
      await exited;
    }
    const last = authlog(['ship', '--to', url2, '--db', killed, '-q']);
    expect(last.code, last.stderr).toBe(0);
    expect(kills).toBeGreaterThan(0);
    const got = await storeTotals(url2, 'k1');
    expect(got.distinct_keys).toBe(got.verdicts);
    expect(lostDoubled(`kill -9 x${kills} during ship`, truth, got)).toMatch(/lost=0 doubled=0/);
    expect(lostDoubled('one ship', truth, await storeTotals(url, 'k1'))).toMatch(/lost=0 doubled=0/);
  });

  it('password guessing spread over three hosts and an IPv6 /64 is found by the fleet, and by no host alone', async () => {
    const url = newStore();
    const t0 = Date.UTC(2026, 10, 27, 12);
    const hosts = ['lb1', 'lb2', 'lb3'];
    for (const [h, host] of hosts.entries()) {
      const lines = [];
      // Four guesses per host from one address, four from each of two addresses of one /64: under any one host's threshold.
      for (let i = 0; i < 4; i++) {
        lines.push({ ts: t0 + (h * 4 + i) * 20_000, ip: '198.51.100.77', user: `admin${i}`, status: 401, path: '/wp-admin/', error: `user "admin${i}" was not found in "/etc/nginx/.htpasswd"` });
        lines.push({ ts: t0 + (h * 4 + i) * 20_000 + 5000, ip: `2001:db8:77:1::${h * 4 + i + 1}`, user: 'root', status: 401, path: '/admin/', error: 'user "root": password mismatch' });
      }
      lines.push({ ts: t0 + 300_000, ip: '192.0.2.10', user: 'alice', status: 200, path: '/admin/' });
      nginxLogs(join(WORK, 'spread', host), lines);
      const db = join(WORK, 'spread', `${host}.db`);
      expect(authlog(['ingest', join(WORK, 'spread', host), '--db', db, '-q']).code).toBe(0);
      expect(JSON.parse(authlog(['report', '--db', db, '--format', 'json']).stdout).brute_force).toEqual([]);
      expect(authlog(['ship', '--to', url, '--db', db, '--host', host, '-q', ...(h === 0 ? ['--init'] : [])]).code).toBe(0);
    }
    const found = authlog(['query', 'fleet-brute-force', '--store', url, '--param', 'min_failures=10', '--format', 'json']);
    expect(found.code, found.stderr).toBe(0);
    const nets = JSON.parse(found.stdout) as { net: string; failures: number; hosts: number; clients: number; most_on_one_host: number }[];
    expect(nets).toEqual([
      expect.objectContaining({ net: '198.51.100.77', failures: 12, hosts: 3, clients: 1, most_on_one_host: 4 }),
      expect.objectContaining({ net: '2001:db8:77:1::/64', failures: 12, hosts: 3, clients: 12, most_on_one_host: 4 }),
    ]);
    // The same query on one host's database: the same columns, a single host, under the threshold.
    const local = JSON.parse(authlog(['query', 'fleet-brute-force', '--db', join(WORK, 'spread', 'lb1.db'), '--param', 'min_failures=1', '--format', 'json']).stdout);
    expect(local.map((r: { net: string; hosts: number; failures: number }) => [r.net, r.hosts, r.failures])).toEqual([['198.51.100.77', 1, 4], ['2001:db8:77:1::/64', 1, 4]]);
  });

  it('a client refused on one host after it succeeded on another is found across hosts', async () => {
    const url = newStore();
    const t0 = Date.UTC(2026, 10, 27, 14);
    nginxLogs(join(WORK, 'sticky', 'app1'), [{ ts: t0, ip: '192.0.2.50', user: 'carol', status: 200, path: '/app/' }]);
    nginxLogs(join(WORK, 'sticky', 'app2'), [{ ts: t0 + 30_000, ip: '192.0.2.50', user: 'carol', status: 401, path: '/app/', error: 'user "carol": password mismatch' }]);
    for (const [i, host] of ['app1', 'app2'].entries()) {
      const db = join(WORK, 'sticky', `${host}.db`);
      expect(authlog(['ingest', join(WORK, 'sticky', host), '--db', db, '-q']).code).toBe(0);
      expect(authlog(['ship', '--to', url, '--db', db, '--host', host, '-q', ...(i === 0 ? ['--init'] : [])]).code).toBe(0);
    }
    const r = JSON.parse(authlog(['query', 'cross-host', '--store', url, '--format', 'json']).stdout);
    expect(r).toEqual([expect.objectContaining({ host: 'app2', ip: '192.0.2.50', cause: 'password_mismatch', other_host: 'app1', seen: 'success', other_ts: t0 })]);
  });

  it('both dialects of every named query give the same rows on the golden data', async () => {
    const url = newStore();
    const dbPath = join(WORK, 'golden.db');
    expect(authlog(['ingest', SAMPLES, '--db', dbPath, '-q']).code).toBe(0);
    expect(authlog(['ship', '--to', url, '--init', '--db', dbPath, '--host', 'golden', '-q']).code).toBe(0);
    const db = openDb(dbPath, 'existing');
    const compared: string[] = [];
    try {
      await withStore(url, async (client) => compared.push(...(await compareDialects(new QueryRunner(db, SQLITE_QUERIES, true), new ClickHouseReader(client, CH_QUERIES), Date.UTC(2026, 10, 25)))));
    } finally {
      db.close();
    }
    process.stdout.write(`compared: ${compared.join('; ')}\n`);
    expect(compared.length).toBeGreaterThan(50);
    // The fleet's lines around an event: the same client's 401/403s on every server, the event itself marked.
    await withStore(url, async (client) => {
      const fleet = new ClickHouseReader(client, CH_QUERIES);
      const [e] = await fleet.all<{ id: number; ip: string }>('tui-events', { status: 401, cause: 'password_mismatch', limit: 1 });
      const around = await fleet.all<{ self: number; text: string }>('tui-around', { id: e.id });
      expect(around.filter((r) => r.self === 1)).toHaveLength(1);
      for (const r of around) expect(r.text).toContain(` ${e.ip} `);
    });
  });

  it('both dialects give the same rows on every golden folder, each shipped as a host of one store', async () => {
    const url = newStore();
    const folders = readdirSync(GOLDEN).filter((f) => !f.includes('.'));
    for (const [i, folder] of folders.entries()) {
      const dir = join(WORK, 'golden', folder);
      mkdirSync(dir, { recursive: true });
      prepareGolden(folder, dir);
      const fmt = join(GOLDEN, folder, 'log_format.txt');
      const db = join(WORK, 'golden', `${folder}.db`);
      const r = authlog(['ingest', dir, '--db', db, '-q', ...(existsSync(fmt) ? ['--log-format', readFileSync(fmt, 'utf8').trim()] : [])]);
      expect(r.code, `${folder}: ${r.stderr}`).toBe(0);
      // Some golden lines are years old (a real 2005 line among them): no expiry, else ClickHouse drops them on insert, as it should.
      expect(authlog(['ship', '--to', url, '--db', db, '--host', folder, '-q', ...(i === 0 ? ['--init', '--retention-days', '0'] : [])]).code).toBe(0);
    }
    let compared = 0;
    await withStore(url, async (client) => {
      for (const folder of folders) {
        const db = openDb(join(WORK, 'golden', `${folder}.db`), 'existing');
        try {
          const first = db.prepare('SELECT min(ts) FROM verdicts').pluck().get() as number;
          // cross-host looks at the other hosts by design: one host's database cannot (the golden folders share addresses).
          compared += (await compareDialects(new QueryRunner(db, SQLITE_QUERIES, true), new ClickHouseReader(client, CH_QUERIES, folder), first, ['cross-host'])).length;
        } catch (e) {
          const x = e as Error & { actual?: unknown; expected?: unknown };
          throw new Error(`golden ${folder}: ${x.message}${x.actual !== undefined ? `\nfleet:  ${JSON.stringify(x.actual)}\nsqlite: ${JSON.stringify(x.expected)}` : ""}`);
        } finally {
          db.close();
        }
      }
    });
    process.stdout.write(`golden folders: ${folders.length} hosts, ${compared} comparisons\n`);
    expect(compared).toBeGreaterThan(folders.length * 50);
  });

  it.skipIf(!hasTmux)('the TUI triages the fleet: every server\'s events, the client\'s 401/403s on every server around one, marks refused', async () => {
    const url = newStore();
    for (const [i, host] of (['web1', 'web3'] as const).entries()) {
      expect(authlog(['ship', '--to', url, '--db', hostDb(host), '--host', host, '-q', ...(i === 0 ? ['--init'] : [])]).code).toBe(0);
    }
    const tui = tmuxSession(`fleet-tui-${process.pid}`, 100, 30, `sh -c 'cd ${import.meta.dirname} && ${process.execPath} ${CLI} tui --store ${url}; sleep 5'`);
    try {
      await tui.waitFor(/fleet chdb:|fleet http/);
      await tui.waitFor(/401 password_mismatch/);
      // The first cause, its events, the first event's evidence: the host names the access line.
      tui.keys('Enter');
      await tui.waitFor(/events · \d{3} \w+ · 1\//);
      tui.keys('Enter');
      await tui.waitFor(/access line web[13]:/);
      await tui.waitFor(/this client's 401\/403s on every server/);
      // One key at a time: an Escape followed at once by m reads as Alt-m.
      tui.keys('Escape');
      await tui.waitFor(/Tab pane/);
      tui.keys('m');
      await tui.waitFor(/mark expected: c client/);
      tui.keys('c');
      await tui.waitFor(/marks are kept in a database/);
      tui.keys('q');
    } finally {
      tui.kill();
    }
  });

  it('an unreachable store: one line, exit 69, the backlog kept for the next ship', () => {
    const dbPath = hostDb('web2');
    const r = authlog(['ship', '--to', 'clickhouse://authlog@127.0.0.1:1/fleet', '--db', dbPath]);
    expect(r.code).toBe(69);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/ECONNREFUSED.*nothing lost: [\d,]+ change\(s\) wait/);
    expect(authlog(['ship', '--to', 'clickhouse://authlog@127.0.0.1:1/fleet', '--db', dbPath, '--status']).stdout).toMatch(/[1-9][\d,]* change\(s\) waiting/);
  });

  it('follow --ship sends what it reads while it runs, and the rest when it stops', async () => {
    const url = newStore();
    const dir = join(WORK, 'follow');
    nginxLogs(dir, []);
    const dbPath = join(WORK, 'follow.db');
    await initStore(url);
    const child = spawn(process.execPath, [CLI, 'follow', join(dir, 'access.log'), '--db', dbPath, '--output', 'ndjson', '--ship', url, '--ship-every', '1'], { cwd: import.meta.dirname, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = Date.now() - 60_000;
    for (let i = 0; i < 200; i++) {
      const ts = new Date(t0 + i * 100);
      const bad = i % 4 === 0;
      appendFileSync(join(dir, 'access.log'), `192.0.2.${i % 9} - ${bad ? 'eve' : '-'} [${ts.toUTCString().slice(5, 16).replace(/ /g, '/')}:${ts.toISOString().slice(11, 19)} +0000] "GET /x/ HTTP/1.1" ${bad ? 401 : 200} 10 "-" "curl/8"\n`);
    }
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    expect(stderr).not.toMatch(/Error|unavailable/);
    const truth = localTotals(dbPath);
    expect(truth.requests).toBe(200);
    expect(lostDoubled('follow --ship', truth, await storeTotals(url))).toMatch(/lost=0 doubled=0/);
  });
});

const SQLITE_QUERIES = loadQueries(join(REPO, 'queries'));
const CH_QUERIES = loadQueries(join(REPO, 'queries', 'clickhouse'));

/**
 * Runs every named query in both dialects, with filters around `t`, and compares the rows one
 * by one. Columns a query's header names as each engine's own (an example row of a group, a
 * row id, a raw line) are left out. Returns what was compared.
 */
async function compareDialects(local: QueryRunner, fleet: ClickHouseReader, t: number, skip: string[] = []): Promise<string[]> {
  const compared: string[] = [];
  for (const [name, ch] of CH_QUERIES) {
    const lite = SQLITE_QUERIES.get(name);
    expect(lite, `${name} has a SQLite version`).toBeDefined();
    expect(ch.params, name).toEqual(lite!.params);
    expect(ch.example, name).toEqual(lite!.example);
    expect(ch.local, name).toEqual(lite!.local);
    // tui-around is by design not the same: a database shows the client's access and error lines, a fleet store its 401/403s on every server.
    if (name === 'tui-around' || skip.includes(name)) continue;
    const day = 86_400_000;
    const only = (p: Params) => Object.fromEntries(Object.entries(p).filter(([k]) => ch.params.includes(k)));
    const paramSets: Params[] = [{}, ...(ch.params.includes('since') ? [{ since: t, until: t + day }] : []), ...(ch.params.includes('cause') ? [only({ cause: 'password_mismatch' })] : []),
      ...(ch.params.includes('limit') ? [{ limit: 3 }] : []), ...(ch.params.includes('min_failures') ? [{ min_failures: 2 }] : []),
      ...(ch.params.includes('status') ? [only({ status: 401, cause: 'password_mismatch' }), only({ status: 403, cause: 'nonce_expired', since: t - day * 5, until: t + day * 5, benign: 1, limit: 5, offset: 2 })] : []),
      ...(name === 'tui-trend' || name === 'tui-causes' ? [{ since: t - day * 2, until: t + day * 5, text: '198.' }, { since: t - day * 2, until: t + day * 5, tag: 'brute_force', benign: 1 }] : [])];
    for (const params of paramSets) {
      // Rows of the same millisecond come in each engine's order: listed by time, then by where they were logged.
      const byPlace = (rows: Record<string, unknown>[]) => ('source' in (rows[0] ?? {}) && 'line' in (rows[0] ?? {}) && 'ts' in (rows[0] ?? {})
        ? [...rows].sort((x, y) => (x.ts as number) - (y.ts as number) || String(x.source).localeCompare(String(y.source)) || (x.line as number) - (y.line as number))
        : rows);
      const a = byPlace(local.all(name, params));
      const b = byPlace(await fleet.all(name, params));
      const label = `${name} ${JSON.stringify(params)}`;
      expect(b.length, label).toBe(a.length);
      if (a.length > 0) expect(Object.keys(b[0]), label).toEqual(Object.keys(a[0]));
      const strip = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => !ch.example.includes(k) && !ch.local.includes(k)));
      for (let i = 0; i < a.length; i++) expect(strip(b[i]), `${label} row ${i}`).toEqual(strip(a[i]));
      compared.push(`${label}: ${a.length}`);
    }
  }
  return compared;
}

/** Verdicts and requests as the fleet reads them, through the same client. */
async function countsVia(client: Awaited<ReturnType<typeof openStore>>) {
  const [t] = (await (await client.query({ query: 'SELECT (SELECT count() FROM verdicts FINAL) AS verdicts, (SELECT sum(count) FROM traffic FINAL) AS requests', format: 'JSONEachRow' })).json()) as { verdicts: number; requests: number }[];
  return t;
}
