/**
 * WordPress debug.log (PHP's error_log writer): `[27-Nov-2026 10:00:01 UTC] message`.
 * The zone is an identifier (`UTC`, `Europe/Berlin`), honoured by the pipeline. Lines that
 * do not open with a timestamp (stack traces, multi-line SQL) continue the entry above.
 */
import { monthIndex, validWall } from './fields.js';
import { reject, type LogEvent, type LogParser, type ParseResult } from './types.js';

const START_RE = /^\[(\d{2})-([A-Z][a-z]{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([A-Za-z0-9_+\-/]+)\] /;
const LEVEL_RE = /^PHP ([A-Za-z ]+?):  /;

export function startsDebugEntry(line: string): boolean {
  return START_RE.test(line);
}

export function parseWordpressDebug(entry: string): ParseResult {
  if (entry.length === 0) return reject('empty');
  const m = START_RE.exec(entry);
  if (!m) return reject('no_match');
  const month = monthIndex(m[2]);
  if (month === undefined) return reject('bad_timestamp');
  const localTime = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (!validWall(localTime, Number(m[1]), Number(m[4]))) return reject('bad_timestamp');
  const message = entry.slice(m[0].length);
  const level = LEVEL_RE.exec(message);
  const record: LogEvent = {
    kind: 'event',
    format: 'wordpress-debug',
    localTime,
    zone: m[7],
    yearless: false,
    level: level ? level[1] : null,
    module: null,
    code: null,
    pid: null,
    conn: null,
    client: null,
    server: null,
    request: null,
    method: null,
    target: null,
    upstream: null,
    host: null,
    referrer: null,
    message,
  };
  return { ok: true, record };
}

export const wordpressDebugParser: LogParser = {
  name: 'wordpress-debug',
  variant: 'php error_log',
  family: 'debug',
  parse: (entry) => parseWordpressDebug(entry),
  startsEntry: startsDebugEntry,
};
