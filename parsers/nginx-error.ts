/**
 * nginx error log: `2026/11/27 10:00:01 [error] 1234#1234: *17 message, client: ..., server: ...`.
 * Local time without offset; the context fields after the message are optional, in nginx's
 * fixed order, and their values are not escaped (so they may hold quotes an attacker sent).
 */
import { splitRequestLine, validWall } from './fields.js';
import { reject, type LogEvent, type LogParser, type ParseResult } from './types.js';

const LEVELS = new Set(['emerg', 'alert', 'crit', 'error', 'warn', 'notice', 'info', 'debug']);

// Optional syslog/journald prefix: `[Nov 27 10:00:01 ]host nginx[123]: `, once or twice
// (journald forwarding a syslog line writes it again: `host nginx[23141]: host nginx: ...`).
const PREFIX = '(?:(?:[A-Z][a-z]{2} +\\d{1,2} \\d{2}:\\d{2}:\\d{2} )?\\S+ nginx(?:\\[\\d+\\])?: ){0,2}';
// `s`: an entry may span lines (below).
const LINE_RE = new RegExp(`^${PREFIX}(\\d{4})\\/(\\d{2})\\/(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) \\[([a-z]+)\\] (\\d+)#(\\d+): (?:\\*(\\d+) )?(.*)$`, 's');
/**
 * An entry starts with its time; what PHP-FPM wrote to stderr with newlines in it
 * (`FastCGI sent in stderr: "PHP message: ...`) continues on the following lines, up to the
 * context (`, client: ..., server: ...`) on the last.
 */
const ENTRY_START = new RegExp(`^${PREFIX}\\d{4}\\/\\d{2}\\/\\d{2} \\d{2}:\\d{2}:\\d{2} \\[`);

const CONTEXT_STRICT =
  /^, client: (\S+), server: ([^,]*?)(?:, request: "([^"]*)")?(?:, subrequest: "([^"]*)")?(?:, upstream: "([^"]*)")?(?:, host: "([^"]*)")?(?:, referrer: "([^"]*)")?$/;
const CONTEXT_LENIENT =
  /^, client: (\S+), server: ([^,]*?)(?:, request: "(.*?)")?(?:, subrequest: "(.*?)")?(?:, upstream: "(.*?)")?(?:, host: "(.*?)")?(?:, referrer: "(.*?)")?$/;

interface Split {
  message: string;
  ctx: RegExpExecArray | null;
}

/**
 * Find where the message ends and nginx's context begins. A header value can itself
 * contain ", client: ", so the last start whose rest parses strictly (no stray quotes) wins;
 * failing that, the first that parses at all.
 */
function splitContext(body: string): Split {
  const starts: number[] = [];
  for (let i = body.indexOf(', client: '); i >= 0; i = body.indexOf(', client: ', i + 1)) starts.push(i);
  for (let k = starts.length - 1; k >= 0; k--) {
    const ctx = CONTEXT_STRICT.exec(body.slice(starts[k]));
    if (ctx) return { message: body.slice(0, starts[k]), ctx };
  }
  for (const start of starts) {
    const ctx = CONTEXT_LENIENT.exec(body.slice(start));
    if (ctx) return { message: body.slice(0, start), ctx };
  }
  return { message: body, ctx: null };
}

export function parseNginxError(line: string): ParseResult {
  if (line.length === 0) return reject('empty');
  const m = LINE_RE.exec(line);
  if (!m || !LEVELS.has(m[7])) return reject('no_match');
  const localTime = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (!validWall(localTime, Number(m[3]), Number(m[4]))) return reject('bad_timestamp');
  const { message, ctx } = splitContext(m[11]);
  const request = ctx?.[3] ?? null;
  const parts = request ? splitRequestLine(request) : null;
  const record: LogEvent = {
    kind: 'event',
    format: 'nginx-error',
    localTime,
    zone: null,
    yearless: false,
    level: m[7],
    module: null,
    code: null,
    pid: Number(m[8]),
    conn: m[10] ? Number(m[10]) : null,
    client: ctx?.[1] ?? null,
    server: ctx ? ctx[2] || null : null,
    request,
    method: parts?.method ?? null,
    target: parts?.target ?? null,
    upstream: ctx?.[5] ?? null,
    host: ctx?.[6] ?? null,
    referrer: ctx?.[7] ?? null,
    message,
  };
  return { ok: true, record };
}

export const nginxErrorParser: LogParser = {
  name: 'nginx-error',
  variant: 'nginx',
  family: 'error',
  parse: (line) => parseNginxError(line),
  startsEntry: (line) => ENTRY_START.test(line),
};
