import { z } from 'zod';
import { AuthlogError } from '../../errors.js';
import { openDb, defaultDbPath } from '../../store/db.js';
import { QueryRunner, loadQueries, type Params } from '../../store/queries.js';
import { parseWhen } from '../../util/time.js';
import { csvCell, safeJson } from '../../util/json.js';
import { fit, sanitize } from '../../util/sanitize.js';
import { parse, validate } from '../args.js';
import type { CommandIO } from '../io.js';
import { packageFile } from '../paths.js';
import { STORE_HELP, STORE_OPTIONS, StoreOptionsSchema, fromStore, localScope, openFleetReader } from '../store.js';

export const QUERY_HELP = `Usage: authlog query NAME [--param key=value]... [options]
       authlog query --list

Runs a named query from queries/ (the same SQL the reports use). Parameters are bound,
never spliced into the SQL; times are ISO 8601 (2026-11-27T10:00Z), relative (15m, 2h,
7d) or epoch milliseconds (UTC).

Options:
  --param key=value    a query parameter (repeatable)
  --format table|ndjson|csv|json   default: table on a terminal, NDJSON when piped
  --list               list the queries with their description and parameters
  --db PATH            database
${STORE_HELP}`;

const Schema = StoreOptionsSchema.extend({
  db: z.string().optional(),
  list: z.boolean().default(false),
  param: z.array(z.string().regex(/^[a-z_]+=.*$/s, 'use --param key=value')).default([]),
  format: z.enum(['table', 'ndjson', 'csv', 'json']).optional(),
});

/**
 * A parameter's value by its name, the same rules as the CLI's options: times as --since
 * takes them (ISO 8601, 15m/2h/7d, or epoch milliseconds), counts as whole numbers.
 */
function paramValue(key: string, value: string): string | number {
  if (key === 'since' || key === 'until') {
    const t = /^\d{10,}$/.test(value) ? Number(value) : parseWhen(value);
    if (t === null) throw new AuthlogError('bad_option', `--param ${key}: "${value}" is not a time (use ISO 8601 like 2026-11-27T10:00Z, 15m, 2h, 7d, or epoch milliseconds)`);
    return t;
  }
  if (['limit', 'offset', 'status', 'benign', 'min_failures', 'window_ms'].includes(key)) {
    if (!/^\d+$/.test(value)) throw new AuthlogError('bad_option', `--param ${key}: "${value}" is not a whole number`);
    return Number(value);
  }
  return value;
}

export async function runQuery(io: CommandIO, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    db: { type: 'string' }, list: { type: 'boolean' }, param: { type: 'string', multiple: true }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...STORE_OPTIONS,
  });
  if (values.help) {
    io.stdout.write(QUERY_HELP);
    return 0;
  }
  const opts = validate(Schema, values);
  const fleetUrl = opts.store ?? io.env.AUTHLOG_STORE;
  const queries = loadQueries(packageFile(fleetUrl ? 'queries/clickhouse' : 'queries'));
  if (opts.list) {
    // Names padded to the longest, so the descriptions line up.
    const width = Math.max(...[...queries.values()].map((q) => q.name.length));
    for (const q of queries.values()) io.stdout.write(`${q.name.padEnd(width)}  ${q.description}${q.params.length ? ` [${q.params.join(', ')}]` : ''}\n`);
    return 0;
  }
  const name = positionals[0];
  if (!name) throw new AuthlogError('bad_option', 'query needs a NAME (authlog query --list shows them)');
  const query = queries.get(name);
  if (!query) throw new AuthlogError('unknown_query', `no query named "${name}" (authlog query --list shows them)`);
  const params: Params = {};
  for (const p of opts.param) {
    const eq = p.indexOf('=');
    const key = p.slice(0, eq);
    if (!query.params.includes(key)) throw new AuthlogError('bad_option', `--param: query ${name} has no parameter "${key}" (it takes ${query.params.join(', ') || 'none'})`);
    params[key] = paramValue(key, p.slice(eq + 1));
  }
  const format = opts.format ?? (io.stdout.isTTY ? 'table' : 'ndjson');
  let rows: Record<string, unknown>[];
  const fleet = await openFleetReader(io, opts, []);
  if (fleet) {
    try {
      rows = await fromStore(fleet, () => fleet.reader.all(name, params));
    } finally {
      await fleet.close();
    }
  } else {
    const db = openDb(opts.db ?? defaultDbPath(io.env), 'existing');
    rows = new QueryRunner(db, queries, false, localScope(db, opts.host, null)).all(name, params);
    db.close();
  }
  if (format === 'json') io.stdout.write(safeJson(rows, 2) + '\n');
  else if (format === 'ndjson') for (const r of rows) io.stdout.write(safeJson(r) + '\n');
  else {
    const cols = rows.length > 0 ? Object.keys(rows[0]) : [];
    if (format === 'csv') {
      // Exact for a pipe or file; on a terminal, log text must not carry escapes.
      const line = io.stdout.isTTY ? (s: string) => sanitize(s) : (s: string) => s;
      io.stdout.write(line(cols.map((c) => csvCell(c)).join(',')) + '\n');
      for (const r of rows) io.stdout.write(line(cols.map((c) => csvCell(r[c])).join(',')) + '\n');
    } else {
      const width = Math.max(8, Math.floor(((io.stdout.columns ?? 160) - cols.length) / Math.max(1, cols.length)));
      io.stdout.write(cols.map((c) => fit(sanitize(c), width)).join(' ') + '\n');
      for (const r of rows) io.stdout.write(cols.map((c) => fit(sanitize(r[c] === null ? '-' : String(r[c])), width)).join(' ') + '\n');
      io.stdout.write(`${rows.length} row(s)\n`);
    }
  }
  return 0;
}
