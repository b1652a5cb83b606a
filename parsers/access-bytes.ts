/**
 * The access-log format's byte scanner: the same compiled `log_format` as the regular
 * expression, walked over the raw bytes of a line. Ingest uses it to count ordinary
 * requests (most of a log) without decoding them into strings. It accepts a line only when
 * the regular expression would match it the same way; anything it cannot decide (an escape
 * to decode, a lazy value that would need backtracking, a time in another layout) is
 * answered `false`, and the caller parses the line in full.
 */
import { KNOWN_VARIABLES } from './access-record.js';
import { parseTimeLocal } from './fields.js';
import type { CompiledFormat, ValueKind } from './nginx-access.js';
import type { AccessBytesView } from './types.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SPACE = 0x20;
const DASH = 0x2d;
const QUESTION = 0x3f;

/** Slots the fast path reads; other variables are only matched over. */
const WANTED = [KNOWN_VARIABLES.remote_addr, KNOWN_VARIABLES.remote_user, KNOWN_VARIABLES.time_local, KNOWN_VARIABLES.status,
  KNOWN_VARIABLES.request, KNOWN_VARIABLES.request_uri, KNOWN_VARIABLES.uri, KNOWN_VARIABLES.scheme];

export type ByteScanner = (buf: Buffer, start: number, end: number, out: AccessBytesView) => boolean;

// Step codes: a literal, or how a variable's value ends (see ValueKind).
const LITERAL = 0;
const KIND_CODE: Record<ValueKind, number> = { quoted: 1, status: 2, digits: 3, rest: 4, lazy: 5, bracketed: 6, word: 7 };

/** Undefined when the format has a shape the byte walk does not follow (two variables back to back, non-ASCII literals). */
export function compileByteScanner(format: CompiledFormat): ByteScanner | undefined {
  // Flat arrays rather than step objects: this runs for every line of a log.
  const codes: number[] = [];
  const slots: number[] = [];
  // The literal itself, or for a variable the literal after it (empty when last).
  const literals: Buffer[] = [];
  for (let i = 0; i < format.steps.length; i++) {
    const s = format.steps[i];
    if ('literal' in s) {
      if (!/^[\x20-\x7e]*$/.test(s.literal)) return undefined;
      codes.push(LITERAL);
      slots.push(-1);
      literals.push(Buffer.from(s.literal, 'latin1'));
      continue;
    }
    const following = format.steps[i + 1];
    if (following !== undefined && !('literal' in following)) return undefined;
    codes.push(KIND_CODE[s.kind]);
    slots.push(typeof s.target === 'number' && WANTED.includes(s.target as never) ? 2 * s.target : -1);
    literals.push(following ? Buffer.from(following.literal, 'latin1') : Buffer.alloc(0));
  }
  const stepCount = codes.length;
  const code = Int8Array.from(codes);
  const slot = Int8Array.from(slots);
  const lenientTail = format.lenientTail;
  // Start and end of each wanted slot's value in the line being scanned.
  const at = new Int32Array(2 * 32);

  return (buf, start, end, out) => {
    for (let i = 0; i < WANTED.length; i++) at[2 * WANTED[i]] = -1;
    let p = start;
    for (let i = 0; i < stepCount; i++) {
      const c = code[i];
      if (c === LITERAL) {
        const lit = literals[i];
        if (p + lit.length > end || !sameBytes(buf, p, lit)) return false;
        p += lit.length;
        continue;
      }
      const valueStart = p;
      if (c === 1) {
        // Quoted: up to the first quote not escaped by an odd run of backslashes.
        for (;;) {
          const q = buf.indexOf(QUOTE, p);
          if (q < 0 || q >= end) return false;
          let k = q - 1;
          while (k >= valueStart && buf[k] === BACKSLASH) k--;
          p = q;
          if (((q - 1 - k) & 1) === 0) break;
          p = q + 1;
        }
      } else if (c === 2) {
        // Status: three digits (a `-` is left to the full parse).
        if (p + 3 > end || !isDigit(buf[p]) || !isDigit(buf[p + 1]) || !isDigit(buf[p + 2])) return false;
        p += 3;
      } else if (c === 3) {
        if (p < end && buf[p] === DASH) p++;
        else {
          while (p < end && isDigit(buf[p])) p++;
          if (p === valueStart) return false;
        }
      } else if (c === 4) {
        p = end;
      } else if (c === 5) {
        // Lazy: the first place the next literal occurs. A regular expression could
        // backtrack past it when the rest fails, so a failure below is "undecided".
        const q = buf.indexOf(literals[i], p);
        if (q < 0 || q + literals[i].length > end) return false;
        p = q;
      } else if (c === 6) {
        // Bracketed: up to the `]` (a loop bounded by the line: a search of the buffer
        // could run to its end on every line of a log that has none).
        while (p < end && buf[p] !== 0x5d) p++;
        if (p === end) return false;
      } else {
        const stop = literals[i][0];
        while (p < end) {
          const b = buf[p];
          if (b === stop || b === SPACE) break;
          p++;
        }
      }
      const at0 = slot[i];
      if (at0 >= 0 && at[at0] < 0) {
        at[at0] = valueStart;
        at[at0 + 1] = p;
      }
    }
    // Presets take extra fields after a space; anything else must end the line.
    if (p !== end && !(lenientTail && buf[p] === SPACE)) return false;
    return view(buf, at, out);
  };
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

const IP = 2 * KNOWN_VARIABLES.remote_addr;
const USER = 2 * KNOWN_VARIABLES.remote_user;
const TIME = 2 * KNOWN_VARIABLES.time_local;
const STATUS = 2 * KNOWN_VARIABLES.status;
const REQUEST = 2 * KNOWN_VARIABLES.request;
const REQUEST_URI = 2 * KNOWN_VARIABLES.request_uri;
const URI = 2 * KNOWN_VARIABLES.uri;
const SCHEME = 2 * KNOWN_VARIABLES.scheme;

/**
 * What the full parse (buildAccessRecord) would read, from the matched values' positions:
 * the same `-`/empty rules, and the target taken as it does, from `$request_uri`, else the
 * request line when it is well formed, else `$uri`.
 */
function view(buf: Buffer, at: Int32Array, out: AccessBytesView): boolean {
  const ipStart = at[IP];
  const ipEnd = at[IP + 1];
  if (absent(buf, ipStart, ipEnd)) return false;
  if (at[TIME] < 0 || !timeLocal(buf, at[TIME], at[TIME + 1], out)) return false;
  const s = at[STATUS];
  out.status = (buf[s] - 0x30) * 100 + (buf[s + 1] - 0x30) * 10 + (buf[s + 2] - 0x30);
  out.ipStart = ipStart;
  out.ipEnd = ipEnd;
  out.hasUser = at[USER] >= 0 && !absent(buf, at[USER], at[USER + 1]);
  out.https = at[SCHEME] >= 0 && at[SCHEME + 1] - at[SCHEME] === HTTPS.length && sameBytes(buf, at[SCHEME], HTTPS);
  // A value the target comes from that holds an escape is left to the full parse, which
  // decodes it first.
  let targetStart = -1;
  let targetEnd = -1;
  if (at[REQUEST_URI] >= 0 && !absent(buf, at[REQUEST_URI], at[REQUEST_URI + 1])) {
    targetStart = at[REQUEST_URI];
    targetEnd = at[REQUEST_URI + 1];
    if (hasBackslash(buf, targetStart, targetEnd)) return false;
  } else if (at[REQUEST] >= 0) {
    targetEnd = requestTarget(buf, at[REQUEST], at[REQUEST + 1]);
    if (targetEnd === ESCAPED) return false;
    if (targetEnd >= 0) targetStart = buf.indexOf(SPACE, at[REQUEST]) + 1;
  }
  if (targetStart < 0 && at[URI] >= 0 && !absent(buf, at[URI], at[URI + 1])) {
    targetStart = at[URI];
    targetEnd = at[URI + 1];
    if (hasBackslash(buf, targetStart, targetEnd)) return false;
  }
  if (targetStart < 0) {
    out.pathStart = out.pathEnd = -1;
    return true;
  }
  let pathEnd = targetStart;
  while (pathEnd < targetEnd && buf[pathEnd] !== QUESTION) pathEnd++;
  out.pathStart = targetStart;
  out.pathEnd = pathEnd;
  return true;
}

/** `literal` stands at `at` in `buf` (the caller knows it fits). */
function sameBytes(buf: Buffer, at: number, literal: Buffer): boolean {
  for (let j = 0; j < literal.length; j++) if (buf[at + j] !== literal[j]) return false;
  return true;
}

function hasBackslash(buf: Buffer, start: number, end: number): boolean {
  for (let p = start; p < end; p++) if (buf[p] === BACKSLASH) return true;
  return false;
}

/** `-` or empty: how nginx and Apache write an absent value. */
function absent(buf: Buffer, start: number, end: number): boolean {
  return end <= start || (end - start === 1 && buf[start] === DASH);
}

const ESCAPED = -2;

/**
 * The end of the target in a request line `METHOD target[ HTTP/x.y]` (fields.ts REQUEST_RE:
 * method [A-Z][A-Z0-9_-]{0,31}, target without whitespace), -1 when it is not one, ESCAPED
 * when it holds a backslash. One pass over the value.
 */
function requestTarget(buf: Buffer, start: number, end: number): number {
  let first = -1;
  let second = -1;
  let malformed = false;
  for (let p = start; p < end; p++) {
    const c = buf[p];
    if (c === BACKSLASH) return ESCAPED;
    if (c === SPACE) {
      if (first < 0) first = p;
      else if (second < 0) second = p;
      else malformed = true;
    } else if (c <= 0x0d && c >= 0x09) malformed = true;
  }
  if (malformed || first <= start || first - start > 32 || first + 1 === (second < 0 ? end : second)) return -1;
  if (buf[start] < 0x41 || buf[start] > 0x5a) return -1;
  for (let p = start + 1; p < first; p++) {
    const c = buf[p];
    if (!((c >= 0x41 && c <= 0x5a) || isDigit(c) || c === 0x5f || c === DASH)) return -1;
  }
  if (second < 0) return end;
  // " HTTP/" and one or more of [0-9.] to the end.
  if (end - second < 7) return -1;
  if (!sameBytes(buf, second, HTTP_)) return -1;
  for (let p = second + HTTP_.length; p < end; p++) if (!isDigit(buf[p]) && buf[p] !== 0x2e) return -1;
  return second;
}

const HTTP_ = Buffer.from(' HTTP/', 'latin1');
const HTTPS = Buffer.from('https', 'latin1');

// `$time_local` is the same for every line of a second, and its date and zone for every
// line of a day: only the clock is read per line.
const cachedDay = Buffer.alloc(26);
let haveDay = false;
let cachedDayStart = 0;
let cachedOffset = 0;

/** `20/Nov/2026:10:00:01 +0000` into `out.ts` and `out.offsetMin`. */
function timeLocal(buf: Buffer, s: number, e: number, out: AccessBytesView): boolean {
  if (e - s !== 26) return withString(buf, s, e, out);
  const hh = two(buf, s + 12);
  const mm = two(buf, s + 15);
  const ss = two(buf, s + 18);
  if (!(hh <= 23 && mm <= 59 && ss <= 60) || buf[s + 14] !== 0x3a || buf[s + 17] !== 0x3a) return withString(buf, s, e, out);
  const clock = ((hh * 60 + mm) * 60 + ss) * 1000;
  if (haveDay && sameDay(buf, s)) {
    out.ts = cachedDayStart + clock;
    out.offsetMin = cachedOffset;
    return true;
  }
  if (!withString(buf, s, e, out)) return false;
  buf.copy(cachedDay, 0, s, e);
  haveDay = true;
  cachedDayStart = out.ts - clock;
  cachedOffset = out.offsetMin;
  return true;
}

function withString(buf: Buffer, s: number, e: number, out: AccessBytesView): boolean {
  const t = parseTimeLocal(buf.toString('latin1', s, e));
  if (!t) return false;
  out.ts = t.ts;
  out.offsetMin = t.offsetMin;
  return true;
}

function two(buf: Buffer, i: number): number {
  const a = buf[i] - 0x30;
  const b = buf[i + 1] - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : NaN;
}

/** Date (`20/Nov/2026:`) and zone (` +0000`) as in the cached day. */
function sameDay(buf: Buffer, s: number): boolean {
  for (let i = 0; i < 12; i++) if (buf[s + i] !== cachedDay[i]) return false;
  for (let i = 20; i < 26; i++) if (buf[s + i] !== cachedDay[i]) return false;
  return true;
}
