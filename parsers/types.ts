import { z } from 'zod';

/** Why a line was not turned into a record: a closed set, stored in the rejects table. */
export const REJECT_REASONS = [
  'empty',
  'no_match',
  'bad_timestamp',
  'bad_status',
  'bad_json',
  'missing_field',
  'line_too_long',
  'orphan_continuation',
  /** debug.log names a zone authlog does not know: reading it as UTC would shift every time. */
  'unknown_zone',
  /** Far later than the file was last written: one such line would stretch every view. */
  'future_timestamp',
  /** A .gz that ends early (a copy cut short): what decompressed is kept. */
  'truncated_gzip',
  /** A .gz whose data is damaged: what decompressed before the damage is kept. */
  'corrupt_gzip',
  /** Not a record and no fault: a format's own directive line (W3C `#Fields:`). Counted as read, never kept as a reject. */
  'header',
] as const;
export const RejectReasonSchema = z.enum(REJECT_REASONS);
export type RejectReason = z.infer<typeof RejectReasonSchema>;

export const FORMAT_NAMES = ['nginx-access', 'nginx-json', 'nginx-error', 'apache-error', 'wordpress-debug', 'wp-fail2ban', 'lighttpd-error', 'haproxy', 'caddy', 'iis'] as const;
export const FormatNameSchema = z.enum(FORMAT_NAMES);
export type FormatName = z.infer<typeof FormatNameSchema>;

/** One access-log request (nginx or Apache). Times are epoch milliseconds, UTC. */
export const AccessRecordSchema = z.object({
  kind: z.literal('access'),
  ts: z.number().int(),
  /** The UTC offset in minutes that the line itself showed, when it showed one. */
  offsetMin: z.number().int().nullable(),
  ip: z.string(),
  user: z.string().nullable(),
  /** False when the format has no $remote_user: a null user then proves nothing. */
  userLogged: z.boolean(),
  method: z.string().nullable(),
  /** The request target as sent: path plus query. */
  target: z.string().nullable(),
  protocol: z.string().nullable(),
  request: z.string(),
  status: z.number().int().min(100).max(999),
  bytes: z.number().int().nullable(),
  referer: z.string().nullable(),
  userAgent: z.string().nullable(),
  forwardedFor: z.string().nullable(),
  host: z.string().nullable(),
  scheme: z.string().nullable(),
  upstreamStatus: z.string().nullable(),
  requestTime: z.number().nullable(),
  /** The WWW-Authenticate header sent; '' when the format logs it and none was sent, null when not logged. */
  wwwAuthenticate: z.string().nullable(),
  extra: z.record(z.string(), z.string()),
  /** The line's time has no zone (HAProxy): `ts` holds the wall clock as if UTC, and the pipeline reads it in the source's zone. */
  zoneless: z.boolean().optional(),
});
export type AccessRecord = z.infer<typeof AccessRecordSchema>;

/**
 * One server error-log entry (nginx or Apache) or WordPress debug.log entry.
 * `localTime` is the wall-clock time written in the line, as if it were UTC; the pipeline
 * turns it into `ts` with the source's zone, because these formats carry no offset.
 */
export const LogEventSchema = z.object({
  kind: z.literal('event'),
  format: z.enum(['nginx-error', 'apache-error', 'wordpress-debug', 'wp-fail2ban', 'lighttpd-error']),
  localTime: z.number().int(),
  /** IANA zone named by the line itself (WordPress writes one), else null. */
  zone: z.string().nullable(),
  /** Syslog timestamps carry no year: the pipeline supplies it. */
  yearless: z.boolean(),
  level: z.string().nullable(),
  module: z.string().nullable(),
  code: z.string().nullable(),
  pid: z.number().int().nullable(),
  conn: z.number().int().nullable(),
  client: z.string().nullable(),
  server: z.string().nullable(),
  request: z.string().nullable(),
  method: z.string().nullable(),
  target: z.string().nullable(),
  upstream: z.string().nullable(),
  host: z.string().nullable(),
  referrer: z.string().nullable(),
  message: z.string(),
});
export type LogEvent = z.infer<typeof LogEventSchema>;

export type ParsedRecord = AccessRecord | LogEvent;

export type ParseResult =
  | { ok: true; record: ParsedRecord }
  | { ok: false; reason: RejectReason; detail?: string };

/** What the pipeline passes to every parse call. */
export interface ParseContext {
  /** Year for syslog-prefixed lines, which carry none. */
  year: number;
}

/**
 * What ordinary traffic needs, read without building a whole record: the pipeline counts
 * most requests from this and parses in full only 401/403s and their context.
 */
export interface AccessView {
  ts: number;
  offsetMin: number | null;
  ip: string;
  status: number;
  hasUser: boolean;
  /** Request target (a line with an escape in it is left to the full parse). */
  target: string | null;
  /** `$scheme` when the format logs it. */
  scheme: string | null;
}

/**
 * `AccessView` over bytes: positions in the read buffer instead of strings, so the ingest
 * fast path counts an ordinary request without decoding its line. Filled in place.
 */
export interface AccessBytesView {
  ts: number;
  offsetMin: number;
  ipStart: number;
  ipEnd: number;
  status: number;
  hasUser: boolean;
  /** The request target's path (no query); -1 when the request has none. */
  pathStart: number;
  pathEnd: number;
  https: boolean;
}

export interface LogParser {
  readonly name: FormatName;
  /** Human-readable variant, e.g. the access-log preset or custom format in use. */
  readonly variant: string;
  readonly family: 'access' | 'error' | 'debug';
  /** Access logs whose times carry no zone (HAProxy): read in the zone error logs are read in. */
  readonly zoneless?: boolean;
  parse(text: string, ctx: ParseContext): ParseResult;
  /** Access logs: a cheap partial read, or null where `parse` would reject the line. */
  scan?(text: string): AccessView | null;
  /**
   * `scan` over an ASCII line in a buffer (no CR or LF in it). False when the line needs
   * the full parse: no match, an escape to decode, or anything unusual.
   */
  scanBytes?(buf: Buffer, start: number, end: number, out: AccessBytesView): boolean;
  /**
   * Multi-line formats: true when the line opens a new entry. Lines that do not are
   * continuation lines of the entry above.
   */
  startsEntry?(line: string): boolean;
}

export function reject(reason: RejectReason, detail?: string): ParseResult {
  return detail === undefined ? { ok: false, reason } : { ok: false, reason, detail };
}
