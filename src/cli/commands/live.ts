/**
 * `authlog live -` (or `authlog` with a pipe on stdin) and `authlog follow PATH...`: classify
 * 401/403s as they happen. On a terminal, a live dashboard; otherwise one NDJSON object per
 * classified request, written as soon as it is classified (an update repeats file and line).
 */
import { z } from 'zod';
import { AuthlogError } from '../../errors.js';
import { Follower } from '../../live/follow.js';
import { releaseSources } from '../../store/sources.js';
import { sanitize } from '../../util/sanitize.js';
import { LiveSession, type TickResult } from '../../live/session.js';
import { openStream } from '../../read/open.js';
import { defaultDbPath } from '../../store/db.js';
import { openWriterDb, serverFormats } from './ingest.js';
import { QueryRunner, loadQueries } from '../../store/queries.js';
import { safeJson } from '../../util/json.js';
import { INGEST_OPTIONS, IngestOptionsSchema, InputFormatSchema, parse, validate } from '../args.js';
import { writeOut, type CommandIO } from '../io.js';
import { packageFile } from '../paths.js';
import type { Dashboard } from '../../tui/live/start.js';
import { hostname } from 'node:os';
import { openStore, parseStoreUrl, storeError } from '../../fleet/clickhouse.js';
import { backlog, checkOneTarget, shipHost } from '../../fleet/outbox.js';
import { ship } from '../../fleet/ship.js';
import type { ClickHouseClient } from '@clickhouse/client';

export const LIVE_HELP = `Usage: tail -f access.log | authlog [options]
       authlog live - [options]
       authlog follow PATH... [options]

Classifies every 401 and 403 as it arrives and stores it (the database is the same as for
ingest). follow reads files and directories like tail -F (rotation by rename or truncation,
new files in a directory); a named access log brings its own error log (access.log →
error.log, site.access.log → site.error.log) and a debug.log beside it, so verdicts are
proven; a verdict that changes when its error line arrives is written again. A file never
read before starts at its end, as tail -F; one read before (by ingest or follow) goes on
from there.

On a terminal: a live dashboard (keys: q quit, p pause, ? help). Otherwise: one NDJSON object
per classified request, as 'authlog events' prints them. Ctrl-C, SIGTERM, SIGHUP and end of
input write what was read and exit 0.

Options: --db, --format (input format), --log-format, --nginx-conf, --apache-conf, --tz, --keep-all,
         --output ndjson|dashboard   force the output (default: dashboard on a terminal)
         --from-start                follow: read what the files already hold first
         --ship URL                  also send new verdicts to a fleet store (see authlog ship --help)
         --ship-every SECONDS        how often (default 10); an unreachable store is retried, nothing lost
`;

const TICK_MS = 250;

const Schema = IngestOptionsSchema.extend({
  format: InputFormatSchema.default('auto'),
  output: z.enum(['ndjson', 'dashboard']).optional(),
  'from-start': z.boolean().optional(),
  ship: z.string().min(1).optional(),
  'ship-every': z.coerce.number().min(1).max(3600).default(10),
});

export async function runLive(io: CommandIO, argv: string[], mode: 'live' | 'follow'): Promise<number> {
  const { values, positionals } = parse(argv, { ...INGEST_OPTIONS, format: { type: 'string' }, output: { type: 'string' }, 'from-start': { type: 'boolean' }, ship: { type: 'string' }, 'ship-every': { type: 'string' } });
  if (values.help) {
    io.stdout.write(LIVE_HELP);
    return 0;
  }
  const opts = validate(Schema, values);
  if (mode === 'follow' && positionals.length === 0) throw new AuthlogError('bad_option', 'follow needs at least one PATH');
  if (mode === 'live' && positionals.some((p) => p !== '-')) throw new AuthlogError('bad_option', 'live reads stdin (-); use follow for files');
  // A terminal on stdin: keystrokes would be read as log lines. Say how it is used instead.
  if (mode === 'live' && (io.stdin as NodeJS.ReadStream).isTTY === true) {
    throw new AuthlogError('bad_option', 'live reads a log from a pipe: tail -F /var/log/nginx/access.log | authlog live (or authlog follow /var/log/nginx/)');
  }
  const shipUrl = opts.ship ? parseStoreUrl(opts.ship, io.env) : null;
  const db = openWriterDb(io, opts.db ?? defaultDbPath(io.env), mode);
  const shipper = shipUrl ? fleetShipper(io, db, shipUrl) : null;
  const queries = new QueryRunner(db, loadQueries(packageFile('queries')), opts.all);
  const configured = serverFormats(opts, mode === 'follow' ? positionals : []);
  const session = new LiveSession(db, { format: opts.format, logFormat: opts['log-format'], configured, tz: opts.tz, keepAll: opts['keep-all'], queries });
  const useDashboard = (opts.output ?? (io.stdout.isTTY ? 'dashboard' : 'ndjson')) === 'dashboard';
  let dashboard: Dashboard | null = null;
  // Ink and React load only for the dashboard: NDJSON output starts sooner without them.
  const startDashboard = useDashboard ? (await import('../../tui/live/start.js')).startDashboard : null;

  const emit = async (r: TickResult) => {
    if (dashboard) dashboard.update(r, session.totalLines);
    else for (const e of r.events) await writeOut(io.stdout, safeJson(e) + '\n');
  };

  let follower: Follower | null = null;
  let inputDone: Promise<unknown> = new Promise(() => {});
  if (mode === 'follow') {
    follower = new Follower(session, positionals, (m) => io.stderr.write(`authlog: ${sanitize(m)}\n`), { fromStart: opts['from-start'] });
    await follower.poll();
  } else {
    const input = await openStream('-', io.stdin, true);
    const plan = session.plan(input);
    if (plan.status === 'empty') {
      db.close();
      return 0;
    }
    if (!plan.parser) throw new AuthlogError('unreadable_input', 'stdin: format not recognised (use --format or --log-format)');
    const source = session.add(plan, input.contentFrom(plan.existing?.offset ?? 0), plan.existing?.offset ?? 0);
    inputDone = source.done;
  }

  return new Promise<number>((resolve, reject) => {
    let stopping = false;
    let settled = false;
    const shipTimer = shipper ? setInterval(() => void shipper.run(), opts['ship-every'] * 1000) : null;
    const quiet = () => {
      clearInterval(timer);
      if (shipTimer) clearInterval(shipTimer);
      for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(sig, onSignal);
    };
    // A round or the stop failed (a full disk, the database locked too long): said in one
    // line with what is stored, never a stack trace; the next run resumes at the last commit.
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      quiet();
      dashboard?.stop();
      try {
        releaseSources(db);
        db.close();
      } catch {
        // the database may be what failed
      }
      if (mode === 'live') io.stdin.destroy();
      reject(liveFailure(e, session, db.name));
    };
    // One round at a time: while a slow reader of the NDJSON holds a round back, follow
    // reads no further (the lines wait in their files, not in memory).
    let inRound = false;
    const round = () => {
      if (inRound || stopping) return;
      inRound = true;
      void (async () => {
        try {
          await follower?.poll();
          await emit(session.tick());
        } finally {
          inRound = false;
        }
      })().catch(fail);
    };
    const timer = setInterval(round, TICK_MS);
    // A round that filled up (a burst, a catch-up) is ticked at once, not at the timer.
    session.onRoundFull = () => setImmediate(round);
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      quiet();
      session.draining();
      await follower?.close();
      await emit(await session.close());
      dashboard?.stop();
      // What was read last goes out too (or waits in the database for the next ship).
      await shipper?.close();
      releaseSources(db);
      db.close();
      // A pipe still open on stdin would keep the process alive after a signal.
      if (mode === 'live') io.stdin.destroy();
      if (!settled) {
        settled = true;
        resolve(0);
      }
    };
    const stopOrFail = () => void stop().catch(fail);
    // A second signal while stopping (a reader of the NDJSON that takes nothing holds the
    // last lines back) ends at once: what is committed stays, the rest is read next time.
    const onSignal = () => (stopping ? process.exit(130) : stopOrFail());
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
    void inputDone.then(stopOrFail, stopOrFail);
    if (startDashboard) dashboard = startDashboard({ stdout: io.stdout, title: mode === 'follow' ? `following ${positionals.join(' ')}` : 'stdin', onQuit: stopOrFail });
  });
}


/**
 * `follow --ship URL`: ships on a timer, one run at a time. A store that cannot be reached
 * is said once (and again when it changes), and retried on the next round: the database
 * keeps what waits.
 */
function fleetShipper(io: CommandIO, db: import('../../store/db.js').Db, url: ReturnType<typeof parseStoreUrl>) {
  checkOneTarget(db, url.label);
  const { host } = shipHost(db, undefined, hostname());
  let client: ClickHouseClient | null = null;
  let running: Promise<void> | null = null;
  let lastError = '';
  const once = async () => {
    try {
      client ??= await openStore(url);
      await ship(db, client, { host, target: url.label, batchSize: 10_000 });
      if (lastError) io.stderr.write(`authlog: ${sanitize(url.label)}: shipping again\n`);
      lastError = '';
    } catch (e) {
      const message = storeError(url, e).message;
      if (message !== lastError) io.stderr.write(`authlog: ${sanitize(message)}; ${backlog(db, url.label).changes} change(s) wait in the database, retrying\n`);
      lastError = message;
      await client?.close().catch(() => {});
      client = null;
    }
  };
  return {
    run(): Promise<void> {
      running ??= once().finally(() => {
        running = null;
      });
      return running;
    },
    async close(): Promise<void> {
      await running;
      await this.run();
      await client?.close().catch(() => {});
    },
  };
}

/** What a failed live session says: a full disk names what is stored (as ingest does). */
function liveFailure(e: unknown, session: LiveSession, dbName: string): unknown {
  const code = (e as { code?: unknown })?.code;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    const stored = session.sources.map((s) => `${s.name}:${s.processor.committedAt.lines}`).join(', ');
    return new AuthlogError('io', `disk full writing ${dbName}: stored up to ${stored || 'nothing new'}; re-run after freeing space resumes there`);
  }
  return e;
}
