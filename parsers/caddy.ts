/**
 * Caddy's JSON access log (`log { format json }`, the default when logging to a file): one
 * object per request, `"msg":"handled request"`, the request nested:
 *
 *   {"level":"info","ts":1646861401.52,"logger":"http.log.access","msg":"handled request",
 *    "request":{"remote_ip":"127.0.0.1","client_ip":"127.0.0.1","proto":"HTTP/2.0","method":"GET",
 *    "host":"example.com","uri":"/","headers":{"User-Agent":["curl/7.82.0"]}},
 *    "user_id":"","duration":0.0009,"size":10900,"status":200,"resp_headers":{...}}
 *
 * `user_id` names the user only when basic_auth accepted it. Caddy logs request headers with
 * the Authorization (and Cookie) value withheld: an empty list in Caddy 2.6 (seen on a real
 * 2.6.2, test/golden/caddy), `REDACTED` in later releases. A present Authorization header
 * without a user_id means credentials were sent and refused, a missing one that none were
 * (Caddy before 2.5 logged it in the clear: the Basic user name is read from it). A journald
 * or syslog prefix before the object is skipped.
 */
import { reject, type AccessRecord, type LogParser, type ParseResult } from './types.js';

type Headers = Record<string, unknown>;

function header(headers: Headers | undefined, name: string): string | null {
  if (!headers) return null;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== want) continue;
    if (Array.isArray(v)) return v.length > 0 ? String(v[0]) : '';
    return v === null || v === undefined ? null : String(v);
  }
  return null;
}

/** The user of a Basic Authorization header logged in the clear (Caddy before 2.5). */
function basicUser(authorization: string): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization.trim());
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : null;
}

function timeOf(ts: unknown): { ts: number; offsetMin: number | null } | null {
  if (typeof ts === 'number' && Number.isFinite(ts)) return { ts: Math.round(ts * 1000), offsetMin: 0 };
  if (typeof ts === 'string') {
    // `time_format iso8601` / `rfc3339`, or wall-clock formats with a zone.
    const t = Date.parse(ts);
    if (!Number.isNaN(t)) {
      const z = /(Z|[+-]\d{2}:?\d{2})$/.exec(ts);
      const offsetMin = !z ? null : z[1] === 'Z' ? 0 : (z[1][0] === '-' ? -1 : 1) * (Number(z[1].slice(1, 3)) * 60 + Number(z[1].slice(-2)));
      return { ts: t, offsetMin };
    }
  }
  return null;
}

export function parseCaddy(line: string): ParseResult {
  const brace = line.indexOf('{');
  if (brace < 0) return reject(line.trim().length === 0 ? 'empty' : 'no_match');
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(line.slice(brace)) as Record<string, unknown>;
  } catch {
    return reject('bad_json');
  }
  const req = obj?.request as Record<string, unknown> | undefined;
  if (typeof obj !== 'object' || obj === null || typeof req !== 'object' || req === null || !('status' in obj)) return reject('no_match');
  const t = timeOf(obj.ts);
  if (t === null) return reject('bad_timestamp', String(obj.ts));
  const status = Number(obj.status);
  if (!Number.isInteger(status) || status < 100 || status > 999) return reject('bad_status', String(obj.status));
  // client_ip (2.7+) is the client behind trusted proxies; remote_ip, or remote_addr with its port before 2.5.
  const remoteAddr = typeof req.remote_addr === 'string' ? req.remote_addr.replace(/^\[?(.*?)\]?:\d+$/, '$1') : null;
  const ip = (req.client_ip ?? req.remote_ip ?? remoteAddr) as string | null;
  if (typeof ip !== 'string' || ip.length === 0) return reject('missing_field', 'request.remote_ip');
  const headers = req.headers as Headers | undefined;
  const authorization = header(headers, 'Authorization');
  const userId = typeof obj.user_id === 'string' && obj.user_id.length > 0 ? obj.user_id : null;
  // '' (as Apache's `""`): credentials were sent, their user name is not in the log.
  const user = userId ?? (authorization === null ? null : basicUser(authorization) ?? '');
  const method = typeof req.method === 'string' ? req.method : null;
  const target = typeof req.uri === 'string' ? req.uri : null;
  const protocol = typeof req.proto === 'string' ? req.proto : null;
  const respHeaders = (obj.resp_headers as Headers | undefined) ?? undefined;
  const tls = req.tls !== undefined && req.tls !== null;
  const record: AccessRecord = {
    kind: 'access',
    ts: t.ts,
    offsetMin: t.offsetMin,
    ip,
    user,
    // Without logged headers a missing user_id proves nothing about what was sent.
    userLogged: userId !== null || headers !== undefined,
    method,
    target,
    protocol,
    request: [method, target, protocol].filter(Boolean).join(' '),
    status,
    bytes: typeof obj.size === 'number' ? obj.size : null,
    referer: header(headers, 'Referer'),
    userAgent: header(headers, 'User-Agent'),
    forwardedFor: header(headers, 'X-Forwarded-For'),
    host: typeof req.host === 'string' ? req.host : null,
    scheme: tls ? 'https' : headers !== undefined ? 'http' : null,
    upstreamStatus: null,
    requestTime: typeof obj.duration === 'number' ? obj.duration : null,
    wwwAuthenticate: respHeaders === undefined ? null : (header(respHeaders, 'WWW-Authenticate') ?? ''),
    extra: typeof obj.logger === 'string' ? { logger: obj.logger } : {},
  };
  return { ok: true, record };
}

export const caddyParser: LogParser = {
  name: 'caddy',
  variant: 'json',
  family: 'access',
  parse: (line) => parseCaddy(line),
};
