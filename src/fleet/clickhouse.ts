/**
 * A fleet store: ClickHouse through its official client (`@clickhouse/client`, over HTTP).
 * `clickhouse://user@host:8123/db` (or `clickhouses://` for TLS, or plain http(s)://); the
 * password from the URL or, better, CLICKHOUSE_PASSWORD, so it stays out of `ps`.
 * `chdb:DIR` runs the same client on chDB, ClickHouse in this process, when the `chdb`
 * package is installed (the test suite's engine; also a way to try fleet queries on one machine).
 */
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { AuthlogError } from '../errors.js';

export interface StoreUrl {
  /** What the user named, without a password: the outbox's target name and what messages show. */
  label: string;
  database: string;
  http?: { url: string; username: string; password: string };
  chdbPath?: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function parseStoreUrl(text: string, env: NodeJS.ProcessEnv = process.env): StoreUrl {
  if (text.startsWith('chdb:')) {
    const rest = text.slice('chdb:'.length);
    const [dir, db] = rest.includes('#') ? [rest.slice(0, rest.indexOf('#')), rest.slice(rest.indexOf('#') + 1)] : [rest, 'authlog'];
    if (!dir) throw new AuthlogError('bad_option', `${text}: chdb: needs a directory (chdb:/var/lib/authlog-fleet)`);
    if (!IDENT.test(db)) throw new AuthlogError('bad_option', `${text}: "${db}" is not a database name (letters, digits, _)`);
    const path = resolve(dir);
    return { label: `chdb:${path}#${db}`, database: db, chdbPath: path };
  }
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new AuthlogError('bad_option', `"${text}" is not a ClickHouse URL (clickhouse://user@host:8123/db)`);
  }
  const scheme = { 'clickhouse:': 'http:', 'clickhouses:': 'https:', 'http:': 'http:', 'https:': 'https:' }[u.protocol];
  if (!scheme) throw new AuthlogError('bad_option', `${u.protocol} is not a ClickHouse URL scheme (clickhouse://, clickhouses://, http(s)://, chdb:)`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'authlog';
  if (!IDENT.test(database)) throw new AuthlogError('bad_option', `"${database}" is not a database name (letters, digits, _)`);
  const port = u.port || (scheme === 'https:' ? '8443' : '8123');
  const username = decodeURIComponent(u.username) || env.CLICKHOUSE_USER || 'default';
  const password = decodeURIComponent(u.password) || env.CLICKHOUSE_PASSWORD || '';
  return {
    label: `${u.protocol}//${username}@${u.hostname}:${port}/${database}`,
    database,
    http: { url: `${scheme}//${u.hostname.includes(':') ? `[${u.hostname}]` : u.hostname}:${port}`, username, password },
  };
}

/** chDB from where authlog runs or beside it; it is not one of authlog's dependencies (500 MB). */
function chdbConnection(path: string): unknown {
  for (const from of [join(process.cwd(), 'noop.js'), import.meta.url]) {
    try {
      const mod = createRequire(from)('chdb/connection') as { createChdbConnection(o: { path: string }): unknown };
      return mod.createChdbConnection({ path });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    }
  }
  throw new AuthlogError('bad_option', 'chdb: URLs need the chdb package (npm install chdb) where authlog runs');
}

/** Numbers as numbers: 64-bit counts are well below 2^53 here, and the SQLite rows carry numbers. */
const SETTINGS = {
  output_format_json_quote_64bit_integers: 0,
  output_format_json_escape_forward_slashes: 0,
  // `SELECT toJSONString(tags) AS tags ... WHERE has(tags, ...)`: a column keeps its name's meaning in WHERE, as in SQLite.
  prefer_column_name_to_alias: 1,
} as const;

/** The client's own log would print whole request dumps: authlog says what failed in one line. */
const QUIET = { level: ClickHouseLogLevel.OFF };

export async function openStore(url: StoreUrl, database = url.database): Promise<ClickHouseClient> {
  if (url.chdbPath) {
    const client = createClient({ connection: chdbConnection(url.chdbPath) as never, clickhouse_settings: SETTINGS, log: QUIET });
    // chDB's connection has one session and ignores the client's database: choose it there.
    if (database !== 'default') {
      try {
        await client.command({ query: `USE ${database}` });
      } catch (e) {
        await client.close();
        throw e;
      }
    }
    return client;
  }
  const h = url.http!;
  return createClient({
    url: h.url, username: h.username, password: h.password, database, log: QUIET, request_timeout: 120_000,
    // A long fleet report keeps the connection busy: progress headers keep balancers from closing it.
    clickhouse_settings: { ...SETTINGS, send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '20000' },
  });
}

/** One line for the user, not a stack trace, when the store cannot be reached or refuses. */
export function storeError(url: StoreUrl, e: unknown): AuthlogError {
  if (e instanceof AuthlogError) return e;
  const err = e as NodeJS.ErrnoException & { type?: string };
  const what = err.code && /^E[A-Z]+$/.test(err.code) ? err.code : (err.message ?? String(e)).split('\n')[0].slice(0, 300);
  return new AuthlogError('unavailable', `fleet store ${url.label}: ${what}`);
}
