import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { AuthlogError } from '../errors.js';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

/** `--db`, else `AUTHLOG_DB`, else `${XDG_DATA_HOME:-~/.local/share}/authlog/authlog.db`. */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AUTHLOG_DB) return env.AUTHLOG_DB;
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'authlog', 'authlog.db');
}

/** `PRAGMA application_id` of every authlog database ("AuLg"): how a file says it is ours. */
export const APPLICATION_ID = 0x41754c67;
const AUTHLOG_TABLES = ['meta', 'sources', 'requests', 'verdicts'];

/**
 * `create`: the writing commands (ingest, follow, events/report/doctor with paths) make the
 * database if there is none. `existing`: read commands never create one.
 */
export type OpenMode = 'create' | 'existing';

/**
 * Look at a file before SQLite may write to it (a writable open switches it to WAL and
 * migrates it): refuse anything that is not an empty file, an authlog database of this
 * schema or older, or an SQLite database with no tables. Reads the 100-byte header, then, for
 * SQLite files, the schema through a read-only connection.
 */
function checkExisting(path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new AuthlogError('no_database', `cannot open database ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!st.isFile()) throw new AuthlogError('not_our_database', `${path} is not a database file`);
  if (st.size === 0) return;
  const header = Buffer.alloc(100);
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    readSync(fd, header, 0, 100, 0);
  } catch (e) {
    throw new AuthlogError('unreadable_input', `cannot read database ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    if (fd !== null) closeSync(fd);
  }
  if (header.subarray(0, 16).toString('latin1') !== 'SQLite format 3\0') throw new AuthlogError('not_our_database', `${path} is not an SQLite database: refusing to touch it`);
  let ro: Db;
  try {
    ro = new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new AuthlogError('not_our_database', `cannot open database ${path}: ${(e as Error).message}`);
  }
  try {
    const appId = ro.pragma('application_id', { simple: true }) as number;
    const version = ro.pragma('user_version', { simple: true }) as number;
    const tables = (ro.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    const ours = appId === APPLICATION_ID || (appId === 0 && AUTHLOG_TABLES.every((t) => tables.includes(t)));
    if (!ours && (appId !== 0 || tables.length > 0)) {
      throw new AuthlogError('not_our_database', `${path} holds another program's database (${appId !== 0 ? `application_id ${appId}` : `tables ${tables.slice(0, 3).join(', ')}`}): refusing to change it; pass --db with another file`);
    }
    if (version > MIGRATIONS.length) {
      throw new AuthlogError('not_our_database', `${path} was written by a newer authlog (schema ${version}, this one knows ${MIGRATIONS.length}): upgrade authlog to read it`);
    }
  } catch (e) {
    if (e instanceof AuthlogError) throw e;
    throw new AuthlogError('not_our_database', `${path} is not a readable SQLite database: ${(e as Error).message}`);
  } finally {
    ro.close();
  }
}

function busyTimeoutMs(): number {
  const v = Number(process.env.AUTHLOG_BUSY_TIMEOUT_MS);
  return Number.isInteger(v) && v >= 0 ? v : 5000;
}

export function openDb(path: string, mode: OpenMode = 'create'): Db {
  if (path !== ':memory:') {
    if (existsSync(path)) checkExisting(path);
    else if (mode === 'existing') throw new AuthlogError('no_database', `no database at ${path}: run authlog ingest first`);
  }
  let db: Db;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
  } catch (e) {
    throw new AuthlogError('io', `cannot open database ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // A new database gets 16 KiB pages: stored requests are wide (the raw line and its fields),
  // and bulk inserts measured 15% faster than with 4 KiB. Fixed once the file exists.
  if ((db.pragma('page_count', { simple: true }) as number) === 0) db.pragma('page_size = 16384');
  // How long a write waits for another process's transaction before giving up (exit 75).
  db.pragma(`busy_timeout = ${busyTimeoutMs()}`);
  // WAL lets a report or the TUI read while an ingest or follow writes.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // A larger page cache keeps the (ip, ts) index's pages in memory during bulk ingest.
  db.pragma('cache_size = -8000');
  db.pragma('temp_store = MEMORY');
  migrate(db);
  if ((db.pragma('application_id', { simple: true }) as number) !== APPLICATION_ID) db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma('foreign_keys = ON');
  return db;
}

export function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new AuthlogError('not_our_database', `database schema ${version} is newer than this authlog (${MIGRATIONS.length}): upgrade authlog to read it`);
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

export function getMeta(db: Db, key: string): string | null {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}
