/**
 * WordPress debug.log (PHP's error_log writer): `[27-Nov-2026 10:00:01 UTC] message`.
 * The zone is an identifier (`UTC`, `Europe/Berlin`), honoured by the pipeline. Lines that
 * do not open with a timestamp (stack traces, multi-line SQL) continue the entry above.
 */
import { monthIndex, validWall } from './fields.js';
import { reject, type LogEvent, type LogParser, type ParseResult } from './types.js';

const START_RE = /^\[(\d{2})-([A-Z][a-z]{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([A-Za-z0-9_+\-/]+)\] /;
const LEVEL_RE = /^PHP ([A-Za-z ]+?):  /;

/** The prefix of the lines authlog's WordPress mu-plugin writes (src/wordpress/authlog-auth-log.php). */
export const PLUGIN_PREFIX = 'authlog: {';

export interface PluginRecord {
  hook: string;
  code: string;
  user: string;
  ip: string;
  method: string;
  uri: string;
  action?: string;
}

/** The JSON of a plugin line, or null for any other message (or a forged, broken one). */
export function pluginFields(message: string): PluginRecord | null {
  if (!message.startsWith(PLUGIN_PREFIX)) return null;
  try {
    const v = JSON.parse(message.slice(PLUGIN_PREFIX.length - 1)) as Record<string, unknown>;
    const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : '');
    if (!str('hook')) return null;
    return { hook: str('hook'), code: str('code'), user: str('user'), ip: str('ip'), method: str('method'), uri: str('uri'), action: str('action') || undefined };
  } catch {
    return null;
  }
}

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
  const plugin = pluginFields(message);
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
    client: plugin?.ip || null,
    server: null,
    request: null,
    method: plugin?.method || null,
    target: plugin?.uri || null,
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
