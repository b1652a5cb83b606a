/** Field decoding shared by the parsers: escapes, request lines and fast timestamps. */

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

export function monthIndex(name: string): number | undefined {
  return MONTHS[name];
}

const SIMPLE_ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, v: 11, f: 12, '"': 34, '\\': 92 };

/**
 * Undo the escaping nginx (`\xHH`, uppercase) and Apache (`\xhh`, `\"`, `\\`, `\n`...)
 * apply to logged values. Escaped bytes are collected first and decoded as UTF-8 at the
 * end, so `\xD0\x9F` becomes one character rather than two mojibake ones.
 */
export function decodeLogEscapes(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  const bytes: number[] = [];
  const pushText = (text: string) => {
    for (const b of Buffer.from(text, 'utf8')) bytes.push(b);
  };
  let i = 0;
  let plainStart = 0;
  while (i < s.length) {
    if (s.charCodeAt(i) !== 92 || i + 1 >= s.length) { i++; continue; }
    const next = s[i + 1];
    if ((next === 'x' || next === 'X') && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
      pushText(s.slice(plainStart, i));
      bytes.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 4;
      plainStart = i;
    } else if (next in SIMPLE_ESCAPES) {
      pushText(s.slice(plainStart, i));
      bytes.push(SIMPLE_ESCAPES[next]);
      i += 2;
      plainStart = i;
    } else {
      i++;
    }
  }
  pushText(s.slice(plainStart));
  return Buffer.from(bytes).toString('utf8');
}

/** `-` is how nginx and Apache write an absent value. */
export function dashToNull(s: string | undefined): string | null {
  return s === undefined || s === '-' || s === '' ? null : s;
}

export interface RequestLine {
  method: string | null;
  target: string | null;
  protocol: string | null;
}

const REQUEST_RE = /^([A-Z][A-Z0-9_-]{0,31}) (\S+)(?: (HTTP\/[0-9.]+))?$/;

/** Split `GET /path?q HTTP/1.1`. Garbage (TLS handshakes on port 80, `-`) gives nulls, not an error. */
export function splitRequestLine(request: string): RequestLine {
  const m = REQUEST_RE.exec(request);
  if (!m) return { method: null, target: null, protocol: null };
  return { method: m[1], target: m[2], protocol: m[3] ?? null };
}

let lastLocal = '';
let lastLocalValue: { ts: number; offsetMin: number } | null = null;

/**
 * `27/Nov/2026:10:00:01 +0000` (nginx `$time_local`, Apache `%t`). Hand-parsed and cached
 * per distinct string because it runs once per line and busy logs repeat each second.
 */
export function parseTimeLocal(s: string): { ts: number; offsetMin: number } | null {
  if (s === lastLocal) return lastLocalValue;
  const m = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? ([+-])(\d{2})(\d{2})$/.exec(s);
  let value: { ts: number; offsetMin: number } | null = null;
  if (m) {
    const month = MONTHS[m[2]];
    if (month !== undefined) {
      const offsetMin = (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
      const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
      const wall = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
      value = validWall(wall, Number(m[1]), Number(m[4])) ? { ts: wall - offsetMin * 60_000, offsetMin } : null;
    }
  }
  lastLocal = s;
  lastLocalValue = value;
  return value;
}

/** `2026-11-27T10:00:01+00:00` (nginx `$time_iso8601`). */
export function parseIso(s: string): { ts: number; offsetMin: number | null } | null {
  const m = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return null;
  const zone = m[1];
  const ts = Date.parse(zone ? s : `${s}Z`);
  if (Number.isNaN(ts)) return null;
  let offsetMin: number | null = null;
  if (zone === 'Z') offsetMin = 0;
  else if (zone) {
    const digits = zone.replace(':', '');
    offsetMin = (digits[0] === '-' ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return { ts, offsetMin };
}

/** `1700000000.123` (nginx `$msec`). */
export function parseMsec(s: string): number | null {
  if (!/^\d{9,11}(?:\.\d{1,3})?$/.test(s)) return null;
  return Math.round(Number(s) * 1000);
}

/** Date.UTC silently rolls 31 Nov into 1 Dec: check the day and hour survived. */
export function validWall(wall: number, day: number, hour: number): boolean {
  if (Number.isNaN(wall)) return false;
  const d = new Date(wall);
  return d.getUTCDate() === day && d.getUTCHours() === hour;
}

export function toInt(s: string | null): number | null {
  if (s === null || !/^\d+$/.test(s)) return null;
  return Number(s);
}

export function toNumber(s: string | null): number | null {
  if (s === null || s === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}
