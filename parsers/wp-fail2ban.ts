/**
 * Syslog lines of the WP fail2ban plugin (wp-fail2ban/wp-fail2ban), which many WordPress
 * sites already run: `Oct 17 20:59:54 host wordpress(www.example.com)[1234]: Authentication
 * failure for admin from 192.168.0.1`. The ident is `wordpress` or `wp`, optionally with the
 * site in brackets; every message ends with ` from <client address>`. Syslog gives no year.
 */
import { monthIndex, validWall } from './fields.js';
import { reject, type LogEvent, type LogParser, type ParseContext, type ParseResult } from './types.js';

const LINE_RE = /^(?:<\d+>)?([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) \S+ (?:wordpress|wp)(?:\(([^)]*)\))?(?:\[(\d+)\])?: (.*) from ([0-9A-Fa-f:.]+)$/;

export function parseWpFail2ban(line: string, ctx: ParseContext): ParseResult {
  if (line.length === 0) return reject('empty');
  const m = LINE_RE.exec(line);
  if (!m) return reject('no_match');
  const month = monthIndex(m[1]);
  if (month === undefined) return reject('bad_timestamp');
  const localTime = Date.UTC(ctx.year, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  if (!validWall(localTime, Number(m[2]), Number(m[3]))) return reject('bad_timestamp');
  const host = m[6] ? m[6].split('/')[0] : null;
  const record: LogEvent = {
    kind: 'event', format: 'wp-fail2ban', localTime, zone: null, yearless: true, level: null, module: 'wp-fail2ban', code: null,
    pid: m[7] ? Number(m[7]) : null, conn: null, client: m[9], server: null, request: null, method: null, target: null,
    upstream: null, host, referrer: null, message: m[8],
  };
  return { ok: true, record };
}

export const wpFail2banParser: LogParser = {
  name: 'wp-fail2ban',
  variant: 'syslog',
  family: 'error',
  parse: parseWpFail2ban,
};
