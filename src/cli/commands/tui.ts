import { z } from 'zod';
import { AuthlogError } from '../../errors.js';
import { defaultDbPath, openDb } from '../../store/db.js';
import { QueryRunner, loadQueries } from '../../store/queries.js';
import { runTriage } from '../../tui/triage/start.js';
import { parse, validate } from '../args.js';
import { FilterSchema } from '../filters.js';
import type { CommandIO } from '../io.js';
import { packageFile } from '../paths.js';
import { STORE_HELP, STORE_OPTIONS, StoreOptionsSchema, localScope } from '../store.js';
import { parseStoreUrl } from '../../fleet/clickhouse.js';
import { SyncFleetReader } from '../../fleet/sync-reader.js';

export const TUI_HELP = `Usage: authlog tui [options]

Triage over the database: causes with counts, share and trend; for the selected cause its top
clients, users and paths and its events; an event's evidence (the access line, every
correlated error-log or debug.log line, the fix). Mark a client, user or path as expected or
handled (left out of reports, events, doctor and the live view unless --all), filter by text
and tag, change the time range, export the selection. Press ? for the keys.

Options:
  --db PATH                    database
  --since TIME, --until TIME   ISO 8601 or relative (15m, 2h, 7d)
  --all                        show what is marked as expected or handled too
${STORE_HELP}Over a fleet store the events are every server's; the lines around an event are the same
client's 401/403s on every server; marks are made on each server's database.
`;

export async function runTui(io: CommandIO, argv: string[]): Promise<number> {
  const { values } = parse(argv, { db: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, all: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...STORE_OPTIONS });
  if (values.help) {
    io.stdout.write(TUI_HELP);
    return 0;
  }
  const opts = validate(StoreOptionsSchema.extend({ db: z.string().optional(), since: FilterSchema.shape.since, until: FilterSchema.shape.until, all: z.boolean().default(false) }), values);
  const stdin = io.stdin as NodeJS.ReadStream;
  const initial = { range: 'all' as const, since: opts.since ?? null, until: opts.until ?? null, text: null, tag: null, benign: false, pick: null };
  const store = opts.store ?? io.env.AUTHLOG_STORE;
  if (store) {
    const url = parseStoreUrl(store, io.env);
    if (!io.stdout.isTTY || !stdin.isTTY) throw new AuthlogError('bad_option', 'tui needs a terminal (use report, events or query in scripts)');
    const queries = new SyncFleetReader(url.label, store, opts.host ?? null, io.env);
    try {
      // The first read says at once whether the store answers.
      queries.all('tui-span');
      await runTriage({ db: null, queries, fleet: url.label, exportDir: process.cwd(), initial }, io.stdout, stdin);
    } finally {
      await queries.close();
    }
    return 0;
  }
  const db = openDb(opts.db ?? defaultDbPath(io.env), 'existing');
  if (!io.stdout.isTTY || !stdin.isTTY) {
    db.close();
    throw new AuthlogError('bad_option', 'tui needs a terminal (use report, events or query in scripts)');
  }
  const queries = new QueryRunner(db, loadQueries(packageFile('queries')), opts.all, localScope(db, opts.host, null));
  await runTriage({ db, queries, exportDir: process.cwd(), initial }, io.stdout, stdin);
  db.close();
  return 0;
}
