/** Field decoding shared by the parsers: escapes, request lines and fast timestamps. */

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

export function monthIndex(name: string): number | undefined {
  return MONTHS[name];
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', v: '\v', f: '\f', '"': '"', '\\': '\\' };

function hexValue(s: string, i: number): number {
  const h = parseInt(s.slice(i, i + 2), 16);
  return s.length >= i + 2 && /^[0-9a-fA-F]{2}$/.test(s.slice(i, i + 2)) ? h : -1;
}

/**
 * Undo the escaping nginx (`\xHH`, uppercase) and Apache (`\xhh`, `\"`, `\\`, `\n`...)
 * apply to logged values. A run of `\x` bytes is decoded as UTF-8 together, so
 * `\xD0\x9F` becomes one character rather than two mojibake ones.
 */
export function decodeLogEscapes(s: string): string {
  let i = s.indexOf('\\');
  if (i < 0) return s;
  let out = s.slice(0, i);
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 92 || i + 1 >= s.length) {
      const next = s.indexOf('\\', i + 1);
      const end = next < 0 ? s.length : next;
      out += s.slice(i, end);
      i = end;
      continue;
    }
    const kind = s[i + 1];
    if (kind === 'x' || kind === 'X') {
      const bytes: number[] = [];
      let h: number;
      while (i + 1 < s.length && s.charCodeAt(i) === 92 && (s[i + 1] === 'x' || s[i + 1] === 'X') && (h = hexValue(s, i + 2)) >= 0) {
        bytes.push(h);
        i += 4;
      }
      if (bytes.length > 0) {
        out += Buffer.from(bytes).toString('utf8');
        continue;
      }
    }
    const simple = SIMPLE_ESCAPES[kind];
    if (simple !== undefined) {
      out += simple;
      i += 2;
    } else {
      out += '\\';
      i++;
    }
  }
  return out;
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
const CUMULATIVE_DAYS = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/** Two ASCII digits at `i`, or NaN. */
function digits2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

function daysInMonth(year: number, month: number): number {
  if (month === 1) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month];
}

/** Days since 1970-01-01 for a proleptic Gregorian date, without allocating a Date. */
function epochDays(year: number, month: number, day: number): number {
  const y = year - 1;
  const leap = month > 1 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  return y * 365 + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) - 719_162 + CUMULATIVE_DAYS[month] + leap + day - 1;
}

/** Real UTC offsets run from -12:00 to +14:00; anything beyond ±14:00 (or :60 minutes) is not a time. */
function validOffset(offsetMin: number, minutes: number): boolean {
  return Number.isFinite(offsetMin) && Math.abs(offsetMin) <= 14 * 60 && minutes <= 59;
}

/**
 * `27/Nov/2026:10:00:01 +0000` (nginx `$time_local`, Apache `%t`). Read by position, not by
 * regular expression, and cached per distinct string: it runs once per line.
 */
export function parseTimeLocal(s: string): { ts: number; offsetMin: number } | null {
  if (s === lastLocal) return lastLocalValue;
  lastLocal = s;
  lastLocalValue = null;
  if (s.length !== 26 || s[2] !== '/' || s[6] !== '/' || s[11] !== ':' || s[20] !== ' ') return parseTimeLocalSlow(s);
  const month = MONTHS[s.slice(3, 6)];
  const day = digits2(s, 0);
  const year = digits2(s, 7) * 100 + digits2(s, 9);
  const hh = digits2(s, 12);
  const mm = digits2(s, 15);
  const ss = digits2(s, 18);
  const sign = s[21] === '-' ? -1 : s[21] === '+' ? 1 : 0;
  const offsetMin = sign * (digits2(s, 22) * 60 + digits2(s, 24));
  if (month === undefined || sign === 0 || !(day >= 1 && day <= daysInMonth(year, month) && hh <= 23 && mm <= 59 && ss <= 60) || !validOffset(offsetMin, digits2(s, 24))) return null;
  const wall = ((epochDays(year, month, day) * 24 + hh) * 60 + mm) * 60_000 + ss * 1000;
  lastLocalValue = { ts: wall - offsetMin * 60_000, offsetMin };
  return lastLocalValue;
}

/** Variants with fractional seconds (some Apache setups log `%{%d/%b/%Y:%T}t.%{msec_frac}t`). */
function parseTimeLocalSlow(s: string): { ts: number; offsetMin: number } | null {
  const m = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? ([+-])(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const month = MONTHS[m[2]];
  if (month === undefined) return null;
  const offsetMin = (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10]));
  if (!validOffset(offsetMin, Number(m[10]))) return null;
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const wall = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
  lastLocalValue = validWall(wall, Number(m[1]), Number(m[4])) ? { ts: wall - offsetMin * 60_000, offsetMin } : null;
  return lastLocalValue;
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
    if (!validOffset(offsetMin, Number(digits.slice(3, 5)))) return null;
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
  if (s === null || s.length === 0 || s.length > 15) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  return Number(s);
}

export function toNumber(s: string | null): number | null {
  if (s === null || s === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}
