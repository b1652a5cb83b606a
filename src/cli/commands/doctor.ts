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
import { STORE_HELP, STORE_OPTIONS, StoreOptionsSchema, fromStore, localScope, openFleetReader, type QueryReader } from '../store.js';

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
${STORE_HELP}`;

const Schema = IngestOptionsSchema.extend(StoreOptionsSchema.shape).extend({
  since: FilterSchema.shape.since,
  until: FilterSchema.shape.until,
  format: z.enum(['text', 'json', 'markdown']).default('text'),
  limit: z.coerce.number().int().min(1).max(100).default(8),
  'input-format': InputFormatSchema.default('auto'),
});

export async function runDoctor(io: CommandIO, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...INGEST_OPTIONS, since: { type: 'string' }, until: { type: 'string' }, format: { type: 'string' }, limit: { type: 'string' }, 'input-format': { type: 'string' }, ...STORE_OPTIONS,
  });
  if (values.help) {
    io.stdout.write(DOCTOR_HELP);
    return 0;
  }
  const opts = validate(Schema, values);
  const gather = async (reader: QueryReader, database: string) => {
    const { findings, total } = await gatherFindings(reader, { since: opts.since ?? null, until: opts.until ?? null }, opts.limit);
    const hidden = await reader.hiddenByMarks(opts.since ?? null, opts.until ?? null);
    if (hidden > 0) io.stderr.write(`authlog: ${hiddenNote(hidden)}\n`);
    return { findings, total, covers: await coverage(reader, database) };
  };
  let exit = 0;
  let gathered: Awaited<ReturnType<typeof gather>>;
  const fleet = await openFleetReader(io, opts, positionals);
  if (fleet) {
    try {
      gathered = await fromStore(fleet, () => gather(fleet.reader, fleet.label));
    } finally {
      await fleet.close();
    }
  } else {
    const { db, result } = await openAndIngest(io, positionals, { ...opts, quiet: true, format: opts['input-format'] });
    gathered = await gather(new QueryRunner(db, loadQueries(packageFile('queries')), opts.all, localScope(db, opts.host, scopeOf(result))), db.name);
    db.close();
    exit = exitAfterIngest(result);
  }
  const { findings, total, covers } = gathered;
  const render = { text: doctorText, json: doctorJson, markdown: doctorMarkdown }[opts.format];
  io.stdout.write(render(findings, total, sourcesLine(covers), { scope: covers.scoped ? 'paths' : 'database', database: covers.database, sources: covers.sources }));
  return exit;
}
