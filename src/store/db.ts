import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { AuthlogError, busyWaitMs } from '../errors.js';
import { MIGRATIONS } from './migrations.js';
import { textHash } from './texts.js';

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

const busyTimeoutMs = busyWaitMs;

/** Told, once per wait, which other authlog processes hold the write lock. */
export type WaitReporter = (pids: number[]) => void;
const waitReporters = new WeakMap<Db, WaitReporter>();

/** The reporter `openDb` was given (another connection to the same file says its waits through it). */
export function waitReporterOf(db: Db): WaitReporter | undefined {
  return waitReporters.get(db);
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Runs `tx` (a better-sqlite3 transaction) as BEGIN IMMEDIATE. When another process holds
 * the write lock, the database's wait reporter is told first (so a waiting writer says so),
 * then the transaction waits up to the busy timeout like any other.
 */
export function writeTransaction<A extends unknown[], R>(db: Db, tx: Database.Transaction<(...args: A) => R>, ...args: A): R {
  const report = waitReporters.get(db);
  if (!report) return tx.immediate(...args);
  db.pragma('busy_timeout = 0');
  try {
    return tx.immediate(...args);
  } catch (e) {
    if (!isBusy(e)) throw e;
  } finally {
    db.pragma(`busy_timeout = ${busyTimeoutMs()}`);
  }
  report(otherWriters(db));
  return tx.immediate(...args);
}

/** Register this process as a writer (for others' waiting message) until `done` is called. */
export function registerWriter(db: Db, command: string): () => void {
  if (db.memory) return () => {};
  const insert = db.prepare('INSERT OR REPLACE INTO writers (pid, command, started_at) VALUES (?, ?, ?)');
  writeTransaction(db, db.transaction(() => insert.run(process.pid, command, Date.now())));
  return () => {
    try {
      if (db.open) db.prepare('DELETE FROM writers WHERE pid = ?').run(process.pid);
    } catch {
      // A database that can no longer be written (a full disk): the row is ignored once this pid is gone.
    }
  };
}

/** Whether a process runs (EPERM: it does, as another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function otherWriters(db: Db): number[] {
  const rows = db.prepare('SELECT pid FROM writers WHERE pid != ?').all(process.pid) as { pid: number }[];
  return rows.map((r) => r.pid).filter(pidAlive);
}

export function openDb(path: string, mode: OpenMode = 'create', onWait?: WaitReporter): Db {
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
  if (onWait) waitReporters.set(db, onWait);
  return db;
}

export function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new AuthlogError('not_our_database', `database schema ${version} is newer than this authlog (${MIGRATIONS.length}): upgrade authlog to read it`);
  }
  if (version === MIGRATIONS.length) return;
  // Migrations that key texts by their hash compute it as the writers do.
  db.function('text_hash', { deterministic: true }, (t: unknown) => (typeof t === 'string' ? textHash(t) : null));
  // Under the write lock, reading the version again: two processes opening a new database
  // at once must not both run the same step.
  db.transaction(() => {
    for (let v = db.pragma('user_version', { simple: true }) as number; v < MIGRATIONS.length; v++) {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}

export function getMeta(db: Db, key: string): string | null {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}
