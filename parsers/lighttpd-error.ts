/**
 * lighttpd's error log (server.errorlog): `2011-12-25 17:09:20: (http_auth.c.875) message`,
 * local time without offset (newer versions may add fractions of a second). lighttpd puts
 * the client address at the end of its auth messages (`, IP: 4.4.4.4` or ` IP: 4.4.4.4`),
 * and the URI path and user in `password doesn't match for PATH username: USER`: those are
 * read into the event's fields, so the line can be paired with its access-log request.
 */
import { validWall } from './fields.js';
import { reject, type LogEvent, type LogParser, type ParseResult } from './types.js';

const LINE_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)?: \(([\w.-]+)\.(\d+)\) (.*)$/s;
const ENTRY_START = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?: \(/;
const CLIENT_RE = /,? IP: (\S+)\s*$/;
const PASSWORD_RE = /^password doesn't match for (\S+) username: (.*?),?$/;

export function parseLighttpdError(line: string): ParseResult {
  if (line.length === 0) return reject('empty');
  const m = LINE_RE.exec(line);
  if (!m) return reject('no_match');
  const localTime = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (!validWall(localTime, Number(m[3]), Number(m[4]))) return reject('bad_timestamp');
  const body = m[9];
  const ip = CLIENT_RE.exec(body);
  const message = ip ? body.slice(0, ip.index) : body;
  const pw = PASSWORD_RE.exec(message);
  const record: LogEvent = {
    kind: 'event',
    format: 'lighttpd-error',
    localTime,
    zone: null,
    yearless: false,
    level: null,
    // the source file and line lighttpd names: http_auth.c (before 1.4.46), mod_auth.c since
    module: m[7],
    code: m[8],
    pid: null,
    conn: null,
    client: ip?.[1] ?? null,
    server: null,
    request: null,
    method: null,
    target: pw?.[1] ?? null,
    upstream: null,
    host: null,
    referrer: null,
    message: pw ? `password doesn't match for ${pw[1]} username: ${pw[2]}` : message,
  };
  return { ok: true, record };
}

export const lighttpdErrorParser: LogParser = {
  name: 'lighttpd-error',
  variant: 'lighttpd',
  family: 'error',
  parse: (line) => parseLighttpdError(line),
  startsEntry: (line) => ENTRY_START.test(line),
};
