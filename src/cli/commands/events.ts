import { emptyRangeNote, hiddenNote } from '../../report/data.js';
import { z } from 'zod';
import { TAGS } from '../../classify/vocabulary.js';
import { causeHelp } from '../../classify/catalogue/index.js';

/** A comma list wrapped under a help column (the vocabulary is the one source of the names). */
function wrapList(items: readonly string[], indent: number, width = 96): string {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line ? `${line}, ${item}` : item;
    if (indent + next.length > width && line) {
      lines.push(`${line},`);
      line = item;
    } else line = next;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}
import { EVENT_FIELDS, formatEvent, toEventRow, type EventQueryRow, type EventRow } from '../../report/event-rows.js';
import { QueryRunner, loadQueries } from '../../store/queries.js';
import { fit, sanitize } from '../../util/sanitize.js';
import { INGEST_OPTIONS, IngestOptionsSchema, InputFormatSchema, parse, validate } from '../args.js';
import { FILTER_OPTIONS, FilterSchema, filterParams } from '../filters.js';
import { writeOut, type CommandIO } from '../io.js';
import { packageFile } from '../paths.js';
import { exitAfterIngest, openAndIngest, scopeOf } from './ingest.js';
import { STORE_HELP, STORE_OPTIONS, StoreOptionsSchema, fromStore, localScope, openFleetReader, type QueryReader } from '../store.js';

export const EVENTS_HELP = `Usage: authlog events [PATH...] [options]

Ingests the paths if given, then lists every 401 and 403 with its verdict: cause,
confidence (proven by a correlated log line, or heuristic), layer, tags, evidence and fix.

Filters:
  --since TIME, --until TIME   ISO 8601 (2026-11-27T10:00Z) or relative (15m, 2h, 7d)
  --cause CAUSE                one of the causes below
  --ip IP, --user NAME, --status 401|403
  --tag TAG                    ${wrapList(TAGS, 31)}
Output:
  --format table|ndjson|csv    default: table on a terminal, NDJSON when piped
  --all                        include what triage marked as expected or handled (authlog suppress)
Reading (with PATH): --db, --input-format, --log-format, --tz, --keep-all (see authlog ingest --help)
${STORE_HELP}
Causes (status, meaning):
${causeHelp()}
`;

const Schema = IngestOptionsSchema.extend(FilterSchema.shape).extend(StoreOptionsSchema.shape).extend({
  format: z.enum(['table', 'ndjson', 'csv']).optional(),
  'input-format': InputFormatSchema.default('auto'),
});


function tableLine(e: EventRow, width: number): string {
  const fixed = [
    fit(sanitize(e.time.slice(5, 19).replace('T', ' ')), 14),
    fit(sanitize(String(e.status)), 3),
    // An address is never cut (it would not paste): a long IPv6 one widens its row instead.
    sanitize(e.ip).padEnd(15),
    fit(sanitize(e.user ?? '-'), 10),
    fit(sanitize(e.cause), 17),
    fit(sanitize(e.confidence === 'proven' ? 'proven' : 'heur.'), 6),
    fit(sanitize(e.tags.join(',')), 16),
  ].join(' ');
  const rest = Math.max(10, width - fixed.length - 1);
  return `${fixed} ${fit(sanitize(`${e.method ?? ''} ${e.path ?? ''}`.trim()), rest)}`.trimEnd();
}

export async function runEvents(io: CommandIO, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...INGEST_OPTIONS, ...FILTER_OPTIONS, format: { type: 'string' }, 'input-format': { type: 'string' }, ...STORE_OPTIONS });
  if (values.help) {
    io.stdout.write(EVENTS_HELP);
    return 0;
  }
  const opts = validate(Schema, values);
  const fleet = await openFleetReader(io, opts, positionals);
  if (fleet) {
    try {
      await fromStore(fleet, () => list(io, opts, fleet.reader, fleet.reader.iterate<EventQueryRow>('events', filterParams(opts))));
    } finally {
      await fleet.close();
    }
    return 0;
  }
  const { db, result } = await openAndIngest(io, positionals, { ...opts, format: opts['input-format'] });
  const runner = new QueryRunner(db, loadQueries(packageFile('queries')), opts.all, localScope(db, opts.host, scopeOf(result)));
  await list(io, opts, runner, runner.iterate<EventQueryRow>('events', filterParams(opts)));
  db.close();
  return exitAfterIngest(result);
}

/** Prints the events as the format asks, then the count and what marks hid. */
async function list(io: CommandIO, opts: z.output<typeof Schema>, reader: QueryReader, rows: Iterable<EventQueryRow> | AsyncIterable<EventQueryRow>): Promise<void> {
  const format = opts.format ?? (io.stdout.isTTY ? 'table' : 'ndjson');
  const width = io.stdout.columns ?? 120;
  if (format === 'csv') io.stdout.write(EVENT_FIELDS.join(',') + '\n');
  if (format === 'table') {
    io.stdout.write(`${'TIME (UTC)'.padEnd(14)} ${'ST'.padEnd(3)} ${'CLIENT'.padEnd(15)} ${'USER'.padEnd(10)} ${'CAUSE'.padEnd(17)} ${'CONF'.padEnd(6)} ${'TAGS'.padEnd(16)} REQUEST\n`);
  }
  let count = 0;
  for await (const raw of rows) {
    const e = toEventRow(raw);
    count++;
    // CSV is exact for a pipe or file; on a terminal its log text could carry escapes.
    await writeOut(io.stdout, (format === 'table' ? tableLine(e, width) : format === 'csv' && io.stdout.isTTY ? sanitize(formatEvent(e, format)) : formatEvent(e, format)) + '\n');
  }
  const empty = count === 0 ? await emptyRangeNote(reader, { since: filterParams(opts).since as number | null, until: filterParams(opts).until as number | null }) : null;
  if (empty) io.stderr.write(`authlog: ${empty}\n`);
  const hidden = await reader.hiddenByMarks(filterParams(opts).since as number | null, filterParams(opts).until as number | null);
  if (format === 'table') io.stdout.write(`${count} request(s)${hidden > 0 ? `; ${hiddenNote(hidden)}` : ''}\n`);
  // NDJSON and CSV stay data only: the note goes to stderr.
  else if (hidden > 0) io.stderr.write(`authlog: ${hiddenNote(hidden)}\n`);
}
