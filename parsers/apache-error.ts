/**
 * Apache httpd error log, 2.4 (`[Fri Nov 27 10:20:00.123456 2026] [auth_basic:error] [pid N:tid T]
 * [client IP:PORT] AHnnnnn: message, referer: X`), 2.2 (no microseconds, module or pid) and
 * the syslog form (`Feb 15 16:23:00 host httpd[1]: [module:level] ...`, no year).
 */
import { decodeLogEscapes, monthIndex, validWall } from './fields.js';
import { reject, type LogEvent, type LogParser, type ParseContext, type ParseResult } from './types.js';

const LEVELS = /^(emerg|alert|crit|error|warn|notice|info|debug|trace[1-8])$/;

const TIME = '\\[[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))? (\\d{4})\\]';
// the tag may carry a slash: `srv httpd/backend1[22034]:`
const SYSLOG = '([A-Z][a-z]{2}) +(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2}) \\S+ [A-Za-z0-9_./-]+(?:\\[\\d+\\])?:';
const REST =
  ' \\[(?:([A-Za-z0-9_]*):)?([a-z0-9]+)\\](?: \\[pid (\\d+)(?::tid (\\d+))?\\])?' +
  '(?: ([A-Za-z0-9_.-]+\\(\\d+\\)):)?' + // %F source file, written at debug level
  '(?: (\\(\\d+\\)[^\\[]*?):)?' + // %E APR status, e.g. "(2)No such file or directory"
  // An ErrorLogFormat with both the peer (%{c}a: [remote proxy]) and the client (%a) names the
  // proxy first: the client is the one the access log shows.
  '(?: \\[remote (?:\\[[^\\]]*\\]|[^\\]\\[])+\\](?= \\[client ))?' +
  // the client may be a bracketed IPv6 address: [client [2001:db8::1]:51548]
  '(?: \\[(?:client|remote) ((?:\\[[^\\]]*\\]|[^\\]\\[])+)\\])?' +
  ' (?:(AH\\d{5}): )?(.*?)(?:, referer: (.*))?$';

const LINE_RE = new RegExp(`^(?:${TIME}|${SYSLOG})${REST}`);

/** `1.2.3.4:5678`, unbracketed IPv6 `2001:db8::1:5678`, or bracketed `[2001:db8::1]:5678`. */
export function splitClient(client: string, hasPort: boolean): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(client);
  if (bracketed) return bracketed[1];
  const colon = client.lastIndexOf(':');
  if (colon < 0) return client;
  const isV4 = client.indexOf(':') === colon && client.includes('.');
  if ((isV4 || hasPort) && /^\d+$/.test(client.slice(colon + 1))) return client.slice(0, colon);
  return client;
}

export function parseApacheError(line: string, ctx: ParseContext): ParseResult {
  if (line.length === 0) return reject('empty');
  const m = LINE_RE.exec(line);
  if (!m) return reject('no_match');
  const syslog = m[1] === undefined;
  const [mon, day, hh, mm, ss] = syslog ? [m[8], m[9], m[10], m[11], m[12]] : [m[1], m[2], m[3], m[4], m[5]];
  const month = monthIndex(mon);
  const year = syslog ? ctx.year : Number(m[7]);
  const level = m[14];
  if (month === undefined || !LEVELS.test(level)) return reject('no_match');
  const ms = !syslog && m[6] ? Math.floor(Number(`0.${m[6]}`) * 1000) : 0;
  const localTime = Date.UTC(year, month, Number(day), Number(hh), Number(mm), Number(ss), ms);
  if (!validWall(localTime, Number(day), Number(hh))) return reject('bad_timestamp');
  const hasPid = m[15] !== undefined;
  const status = m[18];
  const text = decodeLogEscapes(m[21]);
  const record: LogEvent = {
    kind: 'event',
    format: 'apache-error',
    localTime,
    zone: null,
    yearless: syslog,
    level,
    module: m[13] || null,
    code: m[20] ?? null,
    pid: hasPid ? Number(m[15]) : null,
    conn: null,
    client: m[19] ? splitClient(m[19], hasPid) : null,
    server: null,
    request: null,
    method: null,
    target: null,
    upstream: null,
    host: null,
    referrer: m[22] ?? null,
    message: status ? `${status.trim()}: ${text}` : text,
  };
  return { ok: true, record };
}

export const apacheErrorParser: LogParser = {
  name: 'apache-error',
  variant: 'apache',
  family: 'error',
  parse: parseApacheError,
};
