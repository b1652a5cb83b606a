import { coverage, hiddenNote, sourcesLine } from '../../report/data.js';
import { z } from 'zod';
import { gatherFindings } from '../../doctor/findings.js';
import { doctorJson, doctorMarkdown, doctorText } from '../../doctor/render.js';
import { QueryRunner, loadQueries } from '../../store/queries.js';
import { INGEST_OPTIONS, IngestOptionsSchema, InputFormatSchema, parse, validate } from '../args.js';
import { FilterSchema } from '../filters.js';
import type { CommandIO } from '../io.js';
import { packageFile } from '../paths.js';
import { exitAfterIngest, openAndIngest, scopeOf } from './ingest.js';

export const DOCTOR_HELP = `Usage: authlog doctor [PATH...] [options]

Ingests the paths if given, then prints the few findings that explain most of the 401s and
403s, most important first: each with its numbers, the evidence, the fix, and the exact
commands to confirm it (curl, htpasswd, grep, nginx -T).

Options:
  --since TIME, --until TIME   ISO 8601 or relative (15m, 2h, 7d)
  --format text|json|markdown  default text
  --limit N                    how many findings (default 8)
  --all                        include what triage marked as expected or handled (authlog suppress)
Reading (with PATH): --db, --input-format, --log-format, --tz, --keep-all, -q (see authlog ingest --help)
`;

const Schema = IngestOptionsSchema.extend({
  since: FilterSchema.shape.since,
  until: FilterSchema.shape.until,
  format: z.enum(['text', 'json', 'markdown']).default('text'),
  limit: z.coerce.number().int().min(1).max(100).default(8),
  'input-format': InputFormatSchema.default('auto'),
});

export async function runDoctor(io: CommandIO, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...INGEST_OPTIONS, since: { type: 'string' }, until: { type: 'string' }, format: { type: 'string' }, limit: { type: 'string' }, 'input-format': { type: 'string' },
  });
  if (values.help) {
    io.stdout.write(DOCTOR_HELP);
    return 0;
  }
  const opts = validate(Schema, values);
  const { db, result } = await openAndIngest(io, positionals, { ...opts, quiet: true, format: opts['input-format'] });
  const runner = new QueryRunner(db, loadQueries(packageFile('queries')), opts.all, scopeOf(result));
  const { findings, total } = gatherFindings(runner, { since: opts.since ?? null, until: opts.until ?? null }, opts.limit);
  const hidden = runner.hiddenByMarks(opts.since ?? null, opts.until ?? null);
  if (hidden > 0) io.stderr.write(`authlog: ${hiddenNote(hidden)}\n`);
  const covers = coverage(runner, db.name);
  db.close();
  const render = { text: doctorText, json: doctorJson, markdown: doctorMarkdown }[opts.format];
  io.stdout.write(render(findings, total, sourcesLine(covers), { scope: covers.scoped ? 'paths' : 'database', database: covers.database, sources: covers.sources }));
  return exitAfterIngest(result);
}
