import { z } from 'zod';
import { AuthlogError } from '../../errors.js';
import { openDb, defaultDbPath } from '../../store/db.js';
import { QueryRunner, loadQueries, type Params } from '../../store/queries.js';
import { parseWhen } from '../../util/time.js';
import { csvCell, safeJson } from '../../util/json.js';
import { fit, sanitize } from '../../util/sanitize.js';
import { parse, validate } from '../args.js';
import { writeOut, type CommandIO } from '../io.js';
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
  const fleet = await openFleetReader(io, opts, []);
  if (fleet) {
    let rows: Record<string, unknown>[];
    try {
      rows = await fromStore(fleet, () => fleet.reader.all(name, params));
    } finally {
      await fleet.close();
    }
    await printRows(io, format, rows);
    return 0;
  }
  const db = openDb(opts.db ?? defaultDbPath(io.env), 'existing');
  try {
    const runner = new QueryRunner(db, queries, false, localScope(db, opts.host, null));
    // Row by row, whatever the format: a query over a big database need not fit in memory.
    await printRows(io, format, runner.iterate(name, params));
  } finally {
    db.close();
  }
  return 0;
}

/** The rows in the asked format, each written as it comes (see writeOut). */
async function printRows(io: CommandIO, format: string, rows: Iterable<Record<string, unknown>>): Promise<void> {
  if (format === 'json') {
    // The array JSON.stringify would indent, written a row at a time.
    let first = true;
    for (const r of rows) {
      await writeOut(io.stdout, (first ? '[\n' : ',\n') + safeJson(r, 2).replace(/^/gm, '  '));
      first = false;
    }
    io.stdout.write(first ? '[]\n' : '\n]\n');
    return;
  }
  if (format === 'ndjson') {
    for (const r of rows) await writeOut(io.stdout, safeJson(r) + '\n');
    return;
  }
  let cols: string[] | null = null;
  let count = 0;
  // Exact for a pipe or file; on a terminal, log text must not carry escapes.
  const line = format === 'csv' && !io.stdout.isTTY ? (x: string) => x : (x: string) => sanitize(x);
  // A table's columns share the terminal's width (fixed by the first row's columns).
  let width = 0;
  const header = (c: string[]) => {
    width = Math.max(8, Math.floor(((io.stdout.columns ?? 160) - c.length) / Math.max(1, c.length)));
    return format === 'csv' ? line(c.map((x) => csvCell(x)).join(',')) : c.map((x) => fit(sanitize(x), width)).join(' ');
  };
  for (const r of rows) {
    if (cols === null) {
      cols = Object.keys(r);
      await writeOut(io.stdout, header(cols) + '\n');
    }
    const c = cols;
    const text = format === 'csv' ? line(c.map((k) => csvCell(r[k])).join(',')) : c.map((k) => fit(sanitize(r[k] === null ? '-' : String(r[k])), width)).join(' ');
    await writeOut(io.stdout, text + '\n');
    count++;
  }
  if (cols === null) io.stdout.write(header([]) + '\n');
  if (format !== 'csv') io.stdout.write(`${count} row(s)\n`);
}
