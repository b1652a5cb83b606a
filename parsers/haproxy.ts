/**
 * HAProxy's HTTP log (`option httplog`, and `option httpslog`'s TLS fields after it), as
 * syslog writes it or HAProxy writes it to stdout:
 *
 *   Nov 14 22:45:11 lb haproxy[760]: 192.168.33.1:58430 [14/Nov/2015:22:45:11.608] main main/<NOSRV> -1/-1/-1/-1/0 401 248 - - PR-- 0/0/0/0/0 0/0 "GET / HTTP/1.1"
 *
 * client:port [accept date] frontend backend/server timers status bytes request-cookie
 * response-cookie termination-state connection-counts queues {captured request headers}
 * {captured response headers} "request". `<NOSRV>`: HAProxy answered itself (`http-request
 * auth`, a deny, a redirect). The accept date has no zone: the pipeline reads it in the
 * source's (`--tz`, else the system's).
 */
import { monthIndex, splitRequestLine, validWall } from './fields.js';
import { reject, type AccessRecord, type LogParser, type ParseResult } from './types.js';

const PREFIX = '(?:<\\d{1,3}>)?(?:(?:[A-Z][a-z]{2} +\\d{1,2} \\d{2}:\\d{2}:\\d{2}|\\d{4}-\\d{2}-\\d{2}T[\\d:.]+(?:Z|[+-]\\d{2}:?\\d{2})?) )?(?:\\S+ )?haproxy\\[\\d+\\]: ';
const LINE_RE = new RegExp(
  `^(?:${PREFIX})?(\\S+):(\\d+) \\[(\\d{2})\\/([A-Z][a-z]{2})\\/(\\d{4}):(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))?\\] (\\S+) ([^/\\s]+)\\/(\\S+) (-?\\d+(?:\\/-?\\d+){3,4}) (-?\\d+) \\+?(\\d+) (\\S+) (\\S+) (\\S{4}) (\\d+(?:\\/\\d+){4}) (\\d+\\/\\d+)(?: \\{(.*?)\\})?(?: \\{(.*?)\\})? "(.*?)"(?: (.*))?$`,
);

/** `::ffff:192.0.2.1` is the IPv4 client of a dual-stack socket. */
function clientAddress(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

export function parseHaproxy(line: string): ParseResult {
  if (line.length === 0) return reject('empty');
  const m = LINE_RE.exec(line);
  if (!m) return reject('no_match');
  const month = monthIndex(m[4]);
  if (month === undefined) return reject('bad_timestamp');
  const ms = m[9] ? Math.floor(Number(`0.${m[9]}`) * 1000) : 0;
  const wall = Date.UTC(Number(m[5]), month, Number(m[3]), Number(m[6]), Number(m[7]), Number(m[8]), ms);
  if (!validWall(wall, Number(m[3]), Number(m[6]))) return reject('bad_timestamp');
  // -1: the connection ended before a response (no status to count).
  if (!/^\d{3}$/.test(m[14])) return reject('bad_status', m[14]);
  const request = m[23];
  const parts = splitRequestLine(request);
  const extra: Record<string, string> = { frontend: m[10], backend: m[11], server: m[12], timers: m[13], termination_state: m[18] };
  if (m[21] !== undefined) extra.request_headers = m[21];
  if (m[22] !== undefined) extra.response_headers = m[22];
  if (m[24] !== undefined) extra.tail = m[24];
  const record: AccessRecord = {
    kind: 'access',
    ts: wall,
    offsetMin: null,
    zoneless: true,
    ip: clientAddress(m[1]),
    user: null,
    // The default formats log no user: a missing one proves nothing.
    userLogged: false,
    method: parts.method,
    target: parts.target,
    protocol: parts.protocol,
    request,
    status: Number(m[14]),
    bytes: Number(m[15]),
    referer: null,
    userAgent: null,
    forwardedFor: null,
    host: null,
    scheme: null,
    upstreamStatus: null,
    requestTime: null,
    wwwAuthenticate: null,
    extra,
  };
  return { ok: true, record };
}

export const haproxyParser: LogParser = {
  name: 'haproxy',
  variant: 'httplog',
  family: 'access',
  zoneless: true,
  parse: (line) => parseHaproxy(line),
};
