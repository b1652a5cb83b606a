/**
 * Builds an AccessRecord from nginx variable values, whichever layout (text or JSON) they
 * came from. Both access parsers fill the same `Slots` array so this runs once per line
 * without building intermediate objects.
 */
import { decodeLogEscapes, dashToNull, parseIso, parseMsec, parseTimeLocal, splitRequestLine, toInt, toNumber } from './fields.js';
import { reject, type AccessRecord, type ParseResult } from './types.js';

/** nginx variables the record understands, each with its slot index. */
export const KNOWN_VARIABLES = {
  remote_addr: 0,
  remote_user: 1,
  time_local: 2,
  time_iso8601: 3,
  msec: 4,
  request: 5,
  request_method: 6,
  request_uri: 7,
  status: 8,
  body_bytes_sent: 9,
  bytes_sent: 10,
  http_referer: 11,
  http_user_agent: 12,
  http_x_forwarded_for: 13,
  host: 14,
  server_name: 15,
  request_time: 16,
  upstream_status: 17,
  upstream_response_time: 18,
  scheme: 19,
  sent_http_www_authenticate: 20,
  uri: 21,
  http_host: 22,
  server_protocol: 23,
} as const;
export type KnownVariable = keyof typeof KNOWN_VARIABLES;
export const SLOT_COUNT = 24;
export type Slots = (string | undefined)[];

export function isKnownVariable(name: string): name is KnownVariable {
  return Object.prototype.hasOwnProperty.call(KNOWN_VARIABLES, name);
}

/** Values may carry nginx/Apache escapes; decoding is skipped when there is no backslash. */
function text(v: string | undefined, decode: boolean): string | null {
  const s = dashToNull(v);
  return s !== null && decode ? decodeLogEscapes(s) : s;
}

export function buildAccessRecord(slots: Slots, extra: Record<string, string>, decode: boolean): ParseResult {
  const ip = dashToNull(slots[0]);
  if (ip === null) return reject('missing_field', 'remote_addr');

  let ts: number | null = null;
  let offsetMin: number | null = null;
  if (slots[2] !== undefined) {
    const t = parseTimeLocal(slots[2]);
    if (t) { ts = t.ts; offsetMin = t.offsetMin; }
  } else if (slots[3] !== undefined) {
    const t = parseIso(slots[3]);
    if (t) { ts = t.ts; offsetMin = t.offsetMin; }
  } else if (slots[4] !== undefined) {
    ts = parseMsec(slots[4]);
  }
  if (ts === null) return reject('bad_timestamp', slots[2] ?? slots[3] ?? slots[4]);

  const statusText = slots[8];
  if (statusText === undefined || !/^\d{3}$/.test(statusText)) return reject('bad_status', statusText);
  const status = Number(statusText);

  const request = slots[5] !== undefined ? (decode ? decodeLogEscapes(slots[5]) : slots[5]) : '';
  const parts = splitRequestLine(request);
  const method = dashToNull(slots[6]) ?? parts.method;
  const target = text(slots[7], decode) ?? parts.target ?? text(slots[21], decode);
  const record: AccessRecord = {
    kind: 'access',
    ts,
    offsetMin,
    ip,
    // Apache writes an empty user name as "": credentials were sent, with no name.
    user: slots[1] === '""' ? '' : text(slots[1], decode),
    userLogged: slots[1] !== undefined,
    method,
    target,
    protocol: parts.protocol ?? dashToNull(slots[23]),
    request: request || [method, target].filter(Boolean).join(' '),
    status,
    bytes: toInt(dashToNull(slots[9]) ?? dashToNull(slots[10])),
    referer: text(slots[11], decode),
    userAgent: text(slots[12], decode),
    forwardedFor: text(slots[13], decode),
    host: text(slots[14], decode) ?? text(slots[22], decode) ?? text(slots[15], decode),
    scheme: dashToNull(slots[19]),
    // "-" is kept: it says nginx answered without asking an upstream.
    upstreamStatus: slots[17] === undefined || slots[17] === '' ? null : slots[17],
    requestTime: toNumber(dashToNull(slots[16])),
    wwwAuthenticate: slots[20] === undefined ? null : (text(slots[20], decode) ?? ''),
    extra,
  };
  if (slots[18] !== undefined && slots[18] !== '-') extra.upstream_response_time = slots[18];
  return { ok: true, record };
}
