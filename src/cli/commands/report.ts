import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { AuthlogError } from '../../errors.js';
import { emptyRangeNote, gatherReport, reportJson } from '../../report/data.js';
import { renderHtml } from '../../report/html.js';
import { renderMarkdown } from '../../report/markdown.js';
import { COLOUR, PLAIN, renderText } from '../../report/text.js';
import { QueryRunner, loadQueries } from '../../store/queries.js';
import { safeJson } from '../../util/json.js';
import { INGEST_OPTIONS, IngestOptionsSchema, InputFormatSchema, parse, validate } from '../args.js';
import { FilterSchema } from '../filters.js';
import type { CommandIO } from '../io.js';
import { packageFile } from '../paths.js';
import { exitAfterIngest, openAndIngest, scopeOf } from './ingest.js';
import { STORE_HELP, STORE_OPTIONS, StoreOptionsSchema, fromStore, localScope, openFleetReader } from '../store.js';
import type { ReportData } from '../../report/data.js';

export const REPORT_HELP = `Usage: authlog report [PATH...] [options]

Ingests the paths if given, then reports on the 401s and 403s in the database: causes with
count, share and fix; real failures apart from browser challenges and monitors; top clients,
users and paths; a timeline per hour; brute-force suspects; the layer that answered;
rejected lines.

Options:
  --since TIME, --until TIME      ISO 8601 or relative (15m, 2h, 7d)
  --format text|json|markdown|html   default text
  -o, --output FILE               write the report to FILE instead of stdout (its extension,
                                  .html .md .json .txt, sets the format when --format is not given)
  --no-color                      no colour in text (also when NO_COLOR is set or not a terminal)
  --all                        include what triage marked as expected or handled (authlog suppress)
Reading (with PATH): --db, --input-format, --log-format, --tz, --keep-all, -q (see authlog ingest --help)
${STORE_HELP}`;

const Schema = IngestOptionsSchema.extend(StoreOptionsSchema.shape).extend({
  since: FilterSchema.shape.since,
  until: FilterSchema.shape.until,
  format: z.enum(['text', 'json', 'markdown', 'html']).default('text'),
  output: z.string().optional(),
  'no-color': z.boolean().default(false),
  'input-format': InputFormatSchema.default('auto'),
});

export async function runReport(io: CommandIO, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...INGEST_OPTIONS, since: { type: 'string' }, until: { type: 'string' }, format: { type: 'string' },
    output: { type: 'string', short: 'o' }, 'no-color': { type: 'boolean' }, 'input-format': { type: 'string' }, ...STORE_OPTIONS,
  });
  if (values.help) {
    io.stdout.write(REPORT_HELP);
    return 0;
  }
  // `-o r.html` without --format: the file's extension names the format.
  const byExtension: Record<string, string> = { '.html': 'html', '.htm': 'html', '.md': 'markdown', '.json': 'json', '.txt': 'text' };
  const extension = typeof values.output === 'string' ? /\.[A-Za-z]+$/.exec(values.output)?.[0].toLowerCase() : undefined;
  if (values.format === undefined && extension !== undefined && byExtension[extension]) values.format = byExtension[extension];
  const opts = validate(Schema, values);
  // What was read is a side note on stderr: the report alone goes to stdout (and into a redirected file).
  const range = { since: opts.since ?? null, until: opts.until ?? null };
  let data: ReportData;
  let exit = 0;
  const fleet = await openFleetReader(io, opts, positionals);
  if (fleet) {
    try {
      data = await fromStore(fleet, () => gatherReport(fleet.reader, range, fleet.label));
      const empty = data.unauthorized + data.forbidden === 0 ? await fromStore(fleet, () => emptyRangeNote(fleet.reader, range)) : null;
      if (empty) io.stderr.write(`authlog: ${empty}\n`);
    } finally {
      await fleet.close();
    }
  } else {
    const { db, result } = await openAndIngest(io, positionals, { ...opts, format: opts['input-format'] });
    const runner = new QueryRunner(db, loadQueries(packageFile('queries')), opts.all, localScope(db, opts.host, scopeOf(result)));
    data = await gatherReport(runner, range, db.name);
    const empty = data.unauthorized + data.forbidden === 0 ? await emptyRangeNote(runner, range) : null;
    if (empty) io.stderr.write(`authlog: ${empty}\n`);
    db.close();
    exit = exitAfterIngest(result);
  }
  const colour = !opts.output && io.stdout.isTTY && !opts['no-color'] && !io.env.NO_COLOR;
  let text: string;
  switch (opts.format) {
    case 'json': text = safeJson(reportJson(data), 2) + '\n'; break;
    case 'markdown': text = renderMarkdown(data); break;
    case 'html': text = renderHtml(data); break;
    // Fitted to the terminal; 100 columns into a pipe or a file.
    default: text = renderText(data, colour ? COLOUR : PLAIN, !opts.output && io.stdout.isTTY ? (io.stdout as NodeJS.WriteStream).columns ?? 100 : 100);
  }
  if (opts.output) {
    try {
      writeFileSync(opts.output, text);
    } catch (err) {
      throw new AuthlogError('bad_option', `--output: cannot write ${opts.output}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  } else {
    io.stdout.write(text);
  }
  return exit;
}
