/**
 * The one error class that reaches the CLI entry point, with a stable code for scripts.
 * Exit codes follow sysexits(3), so a cron job or a wrapper can tell a typo from a full disk.
 */
export type ErrorCode =
  | 'bad_option'
  | 'bad_log_format'
  | 'unknown_query'
  | 'unreadable_input'
  | 'no_database'
  | 'not_our_database'
  | 'unsafe_target'
  | 'io'
  | 'busy'
  | 'unavailable';

export const EXIT_CODES: Record<ErrorCode, number> = {
  bad_option: 2, // usage
  bad_log_format: 2,
  unknown_query: 2,
  unreadable_input: 66, // EX_NOINPUT
  no_database: 66,
  not_our_database: 65, // EX_DATAERR: a file that is not an authlog database, or a newer one
  unsafe_target: 73, // EX_CANTCREAT: refused to write through a link
  io: 74, // EX_IOERR: full disk, a write that failed
  busy: 75, // EX_TEMPFAIL: another process holds the database; try again
  unavailable: 69, // EX_UNAVAILABLE: the fleet store cannot be reached or refused; nothing acknowledged, a later run catches up
};

/** The exit code of an internal error (EX_SOFTWARE): only bugs get a stack trace. */
export const INTERNAL_EXIT = 70;

export class AuthlogError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthlogError';
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

/**
 * Failures the user's machine causes, not authlog's code: a full disk, a lock held by another
 * process, a file that is not a database. They become one line with a stable exit code;
 * anything else is a bug and keeps its stack trace.
 */
/** How long a write waits for another process's lock (AUTHLOG_BUSY_TIMEOUT_MS, default 30 s). */
export function busyWaitMs(): number {
  const v = Number(process.env.AUTHLOG_BUSY_TIMEOUT_MS);
  return Number.isInteger(v) && v >= 0 ? v : 30_000;
}

export function asUserError(e: unknown): AuthlogError | null {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string') return null;
  const detail = (e as Error).message;
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED') {
    return new AuthlogError('busy', `the database is locked by another process (waited ${Math.round(busyWaitMs() / 1000)} s): try again when it is done (${detail})`);
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return new AuthlogError('io', `disk full: ${detail}; free space and run again`);
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_') || code === 'EIO' || code === 'EROFS' || code === 'EDQUOT') {
    return new AuthlogError('io', `cannot write: ${detail}`);
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_')) return new AuthlogError('not_our_database', `the database is damaged or not a database: ${detail}`);
  if (code === 'EACCES' || code === 'EPERM') return new AuthlogError('unreadable_input', `permission denied: ${detail}`);
  return null;
}
