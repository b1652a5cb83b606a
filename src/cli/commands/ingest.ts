import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { configuredFormat, formatsFromConfig, formatsFromNginxT, type ConfiguredFormat } from '../../ingest/server-conf.js';
import { z } from 'zod';
import { ingest, type IngestResult, type SourceSummary } from '../../ingest/ingest.js';
import { defaultDbPath, getMeta, openDb, registerWriter, setMeta, type Db } from '../../store/db.js';
import { sanitize } from '../../util/sanitize.js';
import { count } from '../../util/count.js';
import { INGEST_OPTIONS, IngestOptionsSchema, InputFormatSchema, parse, validate } from '../args.js';
import { progressPrinter } from '../progress.js';
import type { CommandIO } from '../io.js';
import { AuthlogError } from '../../errors.js';
import { formatLabel, isLogFormatError } from '../../../parsers/index.js';
import { classifyAll, classifyPending } from '../../classify/index.js';
import { classifyStore, rederiveSignals } from '../../store/classify-io.js';
import { RULES } from '../../classify/rules.js';
import { detectSignal, SIGNAL_CODE, SIGNAL_PATTERNS } from '../../classify/signals.js';
import { SIGNAL_DEFS } from '../../classify/catalogue/index.js';
import type { LogEvent } from '../../../parsers/index.js';
import { packageVersion } from '../paths.js';

export const INGEST_HELP = `Usage: authlog ingest PATH... [options]

Reads access logs, error logs and WordPress debug.log files (plain or .gz), directories of
them (rotated generations oldest first) or - for stdin into the database. Reading a file
again reads only what was appended since.

Options:
  --db PATH            database file (default: $AUTHLOG_DB or ~/.local/share/authlog/authlog.db; :memory: works)
  --format NAME        force the log format: ${InputFormatSchema.options.join(', ')}
  --log-format STRING  your nginx log_format string (text or JSON), pasted from nginx.conf
  --nginx-conf FILE    read each access log with the log_format its access_log names in
                       FILE (and its includes); logs under /var/log: from nginx -T when it runs
  --apache-conf FILE   the same from LogFormat and CustomLog (Debian's apache2.conf by default)
  --tz ZONE            zone of error logs, which carry no offset (default: the access logs' offset)
  --keep-all           store every request, not only 401/403 and their context
  -q, --quiet          no summary
`;

const Schema = IngestOptionsSchema.extend({ format: InputFormatSchema.default('auto') });
export type IngestCliOptions = z.output<typeof Schema>;

/** Shared by every command that takes PATH...: open the database and ingest into it. */
/**
 * What a report, events or doctor run on named paths covers: the sources those paths resolved
 * to (rotated generations read before included, by fingerprint); null without paths: all.
 */
export function scopeOf(result: IngestResult | null): number[] | null {
  return result === null ? null : result.sources.flatMap((s) => (s.sourceId === null ? [] : [s.sourceId]));
}

/**
 * Reads the paths into the database (opened for writing) before a command reads it. Unless
 * quiet, each file's summary line goes to `summaryTo` as soon as that file is done, and the
 * stages after reading are shown on the progress line (a terminal's stderr).
 */
export async function openAndIngest(
  io: CommandIO,
  paths: string[],
  opts: z.output<typeof IngestOptionsSchema> & { format?: IngestCliOptions['format'] },
  summaryTo: NodeJS.WritableStream = io.stderr,
): Promise<{ db: Db; result: IngestResult | null }> {
  // Without paths the command only reads: it never creates a database.
  if (paths.length === 0) return { db: openDb(opts.db ?? defaultDbPath(io.env), 'existing'), result: null };
  const db = openWriterDb(io, opts.db ?? defaultDbPath(io.env), 'ingest');
  const progress = opts.quiet ? null : progressPrinter(io.stderr);
  const onSource = opts.quiet
    ? undefined
    : (s: SourceSummary) => {
        progress?.clear();
        summaryTo.write(formatSourceSummary(s) + '\n');
      };
  // Verdicts another authlog made (other rules) are all made again, not only the new lines'.
  const revision = classifierRevision();
  // Patterns that changed reach the lines stored before them (then every verdict is made again).
  const signals = signalRevision();
  if (getMeta(db, 'signals') !== signals) {
    progress?.stage('the signal patterns changed: deriving the signals of the stored error lines again');
    rederiveSignals(db, (e) => detectSignal(e as LogEvent));
    setMeta(db, 'signals', signals);
  }
  const stale = getMeta(db, 'classifier') !== revision && classifyStore(db).storedCounts().failures;
  let result: IngestResult;
  try {
    result = await ingest(db, {
      paths,
      format: opts.format ?? 'auto',
      logFormat: opts['log-format'],
      configured: serverFormats(opts, paths),
      tz: opts.tz,
      keepAll: opts['keep-all'],
      stdin: io.stdin,
      onProgress: progress?.update,
      onSource,
      onStage: progress?.stage,
    });
    if (stale) {
      progress?.stage('the rules changed since this database was classified: classifying every stored 401/403 again');
      classifyAll(db);
    } else {
      if (result.reclassify) progress?.stage('classifying again the stored 401/403s the new lines explain');
      classifyPending(db, result.reclassify);
    }
  } catch (e) {
    if (isLogFormatError(e)) throw new AuthlogError('bad_log_format', `--log-format: ${(e as Error).message}`);
    throw e;
  } finally {
    progress?.done();
  }
  // Passed-over paths are said even with -q: silence would look like an empty log.
  for (const w of result.warnings) io.stderr.write(`authlog: warning: ${sanitize(w)}\n`);
  if (result.sources.length === 0 && result.unreadable === 0) throw new AuthlogError('unreadable_input', `no log files found in ${paths.join(' ')}`);
  if (getMeta(db, 'classifier') !== revision) setMeta(db, 'classifier', revision);
  return { db, result };
}

/**
 * The access-log formats the server's configuration names: `--nginx-conf` / `--apache-conf`,
 * else, for logs under /var/log, what `nginx -T` prints and Debian's apache2.conf says.
 */
export function serverFormats(opts: { 'nginx-conf'?: string; 'apache-conf'?: string; 'log-format'?: string }, paths: string[]): ((file: string) => ConfiguredFormat | null) | undefined {
  if (opts['log-format']) return undefined;
  const logs: ReturnType<typeof formatsFromConfig> = [];
  for (const [option, file] of [['--nginx-conf', opts['nginx-conf']], ['--apache-conf', opts['apache-conf']]] as const) {
    if (file === undefined) continue;
    try {
      logs.push(...formatsFromConfig(file));
    } catch (e) {
      throw new AuthlogError('unreadable_input', `${option}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (opts['nginx-conf'] === undefined && opts['apache-conf'] === undefined && paths.some((p) => resolve(p).startsWith('/var/log/'))) {
    logs.push(...formatsFromNginxT());
    if (existsSync('/etc/apache2/apache2.conf')) {
      try {
        logs.push(...formatsFromConfig('/etc/apache2/apache2.conf'));
      } catch {
        // unreadable: the Apache logs are detected instead
      }
    }
  }
  return logs.length === 0 ? undefined : (file) => configuredFormat(logs, file);
}

/**
 * The database for a command that writes logs into it: a wait for another writer is said
 * once on stderr, and this process is listed as a writer while it runs.
 */
export function openWriterDb(io: CommandIO, path: string, command: string): Db {
  const told = new Set<string>();
  const db = openDb(path, 'create', (pids) => {
    const key = pids.join(',');
    if (told.has(key)) return;
    told.add(key);
    const who = pids.length === 0 ? 'another process' : `another authlog (pid ${pids.join(', ')})`;
    io.stderr.write(`authlog: waiting for ${who} writing this database\n`);
  });
  const done = registerWriter(db, command);
  process.once('exit', done);
  return db;
}

/** 66 when a file could not be read (it was named on stderr; the rest was read), else 0. */
export function exitAfterIngest(result: IngestResult | null): number {
  return result !== null && result.unreadable > 0 ? 66 : 0;
}

/** One file's summary line: how it was read and what came of it, or why it was passed over. */
export function formatSourceSummary(s: SourceSummary): string {
  const name = sanitize(s.path);
  if (s.status !== 'read') {
    const why = {
      unchanged: 'unchanged since last run', unrecognised: 'format not recognised, skipped', empty: 'empty',
      conflict: 'being read by another authlog process at the same time: left to it',
      followed: `followed by another authlog (pid ${s.followedBy}): left to it`, read: '',
    }[s.status];
    return `${name}: ${why}`;
  }
  const rejected = Object.values(s.rejected).reduce((a, b) => a + b, 0);
  const reasons = Object.entries(s.rejected).map(([r, k]) => `${r} ${count(k)}`).join(', ');
  const rate = s.seconds > 0 ? Math.round(s.lines / s.seconds) : s.lines;
  return (
    `${name}: ${formatLabel(s.format, s.variant)} (${s.variant})${s.zone ? `, read in ${s.zone}` : ''}; ${count(s.lines)} lines read, ${count(s.stored)} stored, ` +
    `${count(rejected)} rejected${reasons ? ` (${reasons})` : ''}${s.invalidUtf8 ? `, ${count(s.invalidUtf8)} with invalid UTF-8` : ''}` +
    `${s.pendingBytes ? `, 1 line pending (${count(s.pendingBytes)} bytes without a newline yet: read when it is complete)` : ''}; ` +
    `${count(rate)} lines/s`
  );
}


export async function runIngest(io: CommandIO, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...INGEST_OPTIONS, format: { type: 'string' } });
  if (values.help) {
    io.stdout.write(INGEST_HELP);
    return 0;
  }
  const opts = validate(Schema, values);
  if (positionals.length === 0) throw new AuthlogError('bad_option', 'ingest needs at least one PATH (or - for stdin)');
  // Each file's line is written as that file is done: a large run shows them as it goes.
  const { db, result } = await openAndIngest(io, positionals, opts, io.stdout);
  db.close();
  return exitAfterIngest(result);
}

/** This authlog's version and rules: a database classified by another is classified again in full. */
const asText = (_key: string, value: unknown) => (value instanceof RegExp ? value.source : value);

/**
 * What signal a stored line has: what of its patterns decides it (their samples and negatives
 * only test them), and the plugin's mapping (the function's source).
 */
function signalRevision(): string {
  const deciding = SIGNAL_PATTERNS.map(({ formats, re, user, object, objectIsUserFile, signal }) => ({ formats, re, user, object, objectIsUserFile, signal }));
  return createHash('sha256').update(JSON.stringify(deciding, asText)).update(SIGNAL_CODE).digest('hex').slice(0, 12);
}

/**
 * Verdicts change with the rules (not their doctor entries, which are read at doctor time),
 * with how correlation pairs each signal (statuses, rounds, precedence) and with the signals.
 */
function classifierRevision(): string {
  const rules = JSON.stringify(RULES.map(({ doctor: _doctor, ...rule }) => rule), asText);
  const pairing = JSON.stringify([...SIGNAL_DEFS].map(([signal, { statuses, unusualStatus, secondaryMs, credentialsSent }]) => [signal, statuses, unusualStatus, secondaryMs, credentialsSent]));
  return `${packageVersion()} ${createHash('sha256').update(rules).update(pairing).update(signalRevision()).digest('hex').slice(0, 12)}`;
}
