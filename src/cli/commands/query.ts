import { z } from 'zod';
import { AuthlogError } from '../../errors.js';
import { openDb, defaultDbPath } from '../../store/db.js';
import { QueryRunner, loadQueries } from '../../store/queries.js';
import { csvCell, safeJson } from '../../util/json.js';
import { fit, sanitize } from '../../util/sanitize.js';
import { parse, validate } from '../args.js';
import type { CommandIO } from '../io.js';
import { packageFile } from '../paths.js';

export const QUERY_HELP = `Usage: authlog query NAME [--param key=value]... [options]
       authlog query --list

Runs a named query from queries/ (the same SQL the reports use). Parameters are bound,
never spliced into the SQL; times are epoch milliseconds (UTC).

Options:
  --param key=value    a query parameter (repeatable)
  --format table|ndjson|csv|json   default: table on a terminal, NDJSON when piped
  --list               list the queries with their description and parameters
  --db PATH            database
`;

const Schema = z.object({
  db: z.string().optional(),
  list: z.boolean().default(false),
  param: z.array(z.string().regex(/^[a-z_]+=.*$/s, 'use --param key=value')).default([]),
  format: z.enum(['table', 'ndjson', 'csv', 'json']).optional(),
});

export async function runQuery(io: CommandIO, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    db: { type: 'string' }, list: { type: 'boolean' }, param: { type: 'string', multiple: true }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(QUERY_HELP);
    return 0;
  }
  const opts = validate(Schema, values);
  const queries = loadQueries(packageFile('queries'));
  if (opts.list) {
    for (const q of queries.values()) io.stdout.write(`${q.name.padEnd(12)} ${q.description}${q.params.length ? ` [${q.params.join(', ')}]` : ''}\n`);
    return 0;
  }
  const name = positionals[0];
  if (!name) throw new AuthlogError('bad_option', 'query needs a NAME (authlog query --list shows them)');
  const params: Record<string, string | number | null> = {};
  for (const p of opts.param) {
    const eq = p.indexOf('=');
    const value = p.slice(eq + 1);
    params[p.slice(0, eq)] = /^-?\d+$/.test(value) ? Number(value) : value;
  }
  const db = openDb(opts.db ?? defaultDbPath(io.env));
  const runner = new QueryRunner(db, queries);
  const format = opts.format ?? (io.stdout.isTTY ? 'table' : 'ndjson');
  const rows = runner.all(name, params);
  db.close();
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
