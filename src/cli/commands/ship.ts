import { hostname } from 'node:os';
import { z } from 'zod';
import { AuthlogError } from '../../errors.js';
import { openDb, defaultDbPath, registerWriter } from '../../store/db.js';
import { openStore, parseStoreUrl, storeError } from '../../fleet/clickhouse.js';
import { backlog, checkOneTarget, outboxEnabled, shipHost, targetState } from '../../fleet/outbox.js';
import { DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS, applySchema, ship } from '../../fleet/ship.js';
import { count } from '../../util/count.js';
import { sanitize } from '../../util/sanitize.js';
import { parse, validate } from '../args.js';
import type { CommandIO } from '../io.js';

export const SHIP_HELP = `Usage: authlog ship --to URL [options]

Sends what the database learnt since the last ship (verdicts with their evidence, file, line
and host; requests per minute; clients' successes; rejected lines) to a fleet store on
ClickHouse, batch by batch. The database is the outbox: the shipped position moves only
after ClickHouse acknowledges a batch, so a crash or an unreachable store loses nothing and
the next run catches up. A batch sent twice is stored once.

  --to URL               clickhouse://user@host:8123/db (clickhouses:// for TLS, http(s)://
                         too; the password from CLICKHOUSE_PASSWORD), or chdb:DIR (ClickHouse in
                         this process; needs npm install chdb). Default: $AUTHLOG_FLEET_URL
  --init                 create the database and tables first (schema/clickhouse.sql)
  --retention-days N     with --init: rows expire N days after their time (default ${DEFAULT_RETENTION_DAYS}, at most
                         ${MAX_RETENTION_DAYS}; 0 keeps them until deleted): addresses and user names are
                         personal data. Rows older than that when shipped are dropped at once
  --host NAME            the name this server ships under (default: its host name; kept once chosen)
  --batch N              changes per batch (default 10000)
  --status               say what is waiting to be shipped, ship nothing
  --db PATH              database
  -q, --quiet            no progress
`;

const Schema = z.object({
  to: z.string().min(1, '--to needs a URL'),
  db: z.string().min(1).optional(),
  init: z.boolean().default(false),
  'retention-days': z.coerce.number().int().min(0).max(MAX_RETENTION_DAYS, `--retention-days: at most ${MAX_RETENTION_DAYS} (ClickHouse's dates end in 2106), or 0 for no expiry`).default(DEFAULT_RETENTION_DAYS),
  host: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/, '--host: letters, digits, dot, dash and underscore').optional(),
  // 5–10k measured fastest into chDB (8 s for the 1M bench database's first ship, 11 s at 100k)
  batch: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
  status: z.boolean().default(false),
  quiet: z.boolean().default(false),
});

export async function runShip(io: CommandIO, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    to: { type: 'string' }, db: { type: 'string' }, init: { type: 'boolean' }, 'retention-days': { type: 'string' }, host: { type: 'string' },
    batch: { type: 'string' }, status: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(SHIP_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new AuthlogError('bad_option', 'ship takes no paths: ingest or follow them first, then ship the database (see --help)');
  values.to ??= io.env.AUTHLOG_FLEET_URL;
  if (values.to === undefined) throw new AuthlogError('bad_option', 'ship needs --to URL (or AUTHLOG_FLEET_URL), e.g. --to clickhouse://authlog@fleet:8123/authlog');
  const opts = validate(Schema, values);
  const url = parseStoreUrl(opts.to, io.env);
  const db = openDb(opts.db ?? defaultDbPath(io.env), 'existing');
  try {
    if (opts.status) {
      const state = targetState(db, url.label);
      const waiting = outboxEnabled(db) ? `${count(backlog(db, url.label).changes)} change(s) waiting` : 'never shipped: the first ship sends everything the database holds';
      io.stdout.write(`${sanitize(url.label)}: ${waiting}; shipped ${count(state.shippedRows)} row(s)${state.shippedAt ? `, last at ${new Date(state.shippedAt).toISOString()}` : ''}\n`);
      return 0;
    }
    checkOneTarget(db, url.label);
    const { host, conflict } = shipHost(db, opts.host, hostname());
    if (conflict !== null) throw new AuthlogError('bad_option', `this database ships as host "${sanitize(conflict)}": --host ${sanitize(opts.host ?? '')} would store its rows twice under two names`);
    const done = registerWriter(db, 'ship');
    let client;
    try {
      if (opts.init) {
        const admin = await openStore(url, 'default');
        try {
          const n = await applySchema(admin, url.database, opts['retention-days']);
          if (!opts.quiet) io.stderr.write(`authlog: ${sanitize(url.label)}: schema applied (${n} statements, ${opts['retention-days'] === 0 ? 'rows kept until deleted' : `rows kept ${opts['retention-days']} days`})\n`);
        } finally {
          await admin.close();
        }
      }
      client = await openStore(url);
      const started = Date.now();
      const result = await ship(db, client, {
        host, target: url.label, batchSize: opts.batch,
        onBatch: (r) => {
          if (!opts.quiet && io.stderr.isTTY) io.stderr.write(`\r\u001b[Kauthlog: shipped ${count(r.verdicts)} verdict(s) in ${r.batches} batch(es); ${count(r.backlog)} change(s) to go`);
        },
      });
      if (!opts.quiet && io.stderr.isTTY) io.stderr.write('\r\u001b[K');
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 && result.verdicts > 0 ? ` (${count(Math.round(result.verdicts / seconds))} verdicts/s)` : '';
      if (!opts.quiet && result.changes === 0) io.stderr.write(`authlog: nothing new to ship to ${sanitize(url.label)}; backlog ${count(result.backlog)}\n`);
      else if (!opts.quiet) {
        io.stderr.write(`authlog: shipped ${count(result.verdicts)} verdict(s), ${count(result.trafficRows)} per-minute count(s) in ${result.batches} batch(es) to ${sanitize(url.label)} as host ${sanitize(host)} in ${seconds.toFixed(1)} s${rate}; backlog ${count(result.backlog)}${result.firstShip ? ' (first ship: everything the database held)' : ''}\n`);
      }
      return 0;
    } catch (e) {
      const err = storeError(url, e);
      if (err.code === 'unavailable') {
        const left = backlog(db, url.label).changes;
        throw new AuthlogError('unavailable', `${err.message}; nothing lost: ${count(left)} change(s) wait in the database for the next ship`);
      }
      throw err;
    } finally {
      await client?.close();
      done();
    }
  } finally {
    db.close();
  }
}
