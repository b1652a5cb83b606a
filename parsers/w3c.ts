/**
 * IIS's W3C extended log (the IIS default): directive lines start with `#`, and `#Fields:`
 * names the columns of the lines after it, space-separated, `-` for empty, `+` for spaces:
 *
 *   #Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken
 *   2026-11-27 10:00:01 10.0.0.4 GET /intranet/ - 443 - 203.0.113.10 Mozilla/5.0+(Windows+NT+10.0) - 401 2 5 0
 *
 * Times are UTC (IIS writes W3C logs in UTC whatever the server's zone). The substatus and
 * the Win32 status say why a 401/403 was sent (401.1 with 1326: logon failed, unknown user
 * or bad password; 401.2: no credentials the server accepts; 403.6: address refused); they
 * go into `extra` as `sc-substatus` and `sc-win32-status`.
 *
 * The column list is state: one parser per file (`createW3cParser`), changed by each
 * `#Fields:` line. Directive lines are `header`: counted as read, neither record nor reject.
 */
import { reject, type AccessRecord, type LogParser, type ParseResult } from './types.js';

/**
 * IIS's default field selections, for lines read before any `#Fields:` (a file opened
 * mid-way, or a copy without its directives), told apart by their column count: IIS 8.5 and
 * later log the referrer, IIS 7 did not.
 */
const DEFAULTS = new Map(
  [
    'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken',
    'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status time-taken',
  ].map((f) => [f.split(' ').length, f.split(' ')]),
);

function value(v: string | undefined): string | null {
  return v === undefined || v === '-' ? null : v;
}

/** `+` stands for a space in IIS's user agent and referrer columns. */
function spaced(v: string | undefined): string | null {
  const s = value(v);
  return s === null ? null : s.replace(/\+/g, ' ');
}

export function createW3cParser(): LogParser {
  let fields: string[] | null = null;
  let index = new Map<string, number>();
  const indexOf = (names: string[]) => new Map(names.map((f, i) => [f.toLowerCase(), i]));
  const defaults = new Map([...DEFAULTS].map(([n, names]) => [n, indexOf(names)]));
  return {
    name: 'iis',
    variant: 'w3c',
    family: 'access',
    parse(line: string): ParseResult {
      if (line.length === 0) return reject('empty');
      if (line[0] === '#') {
        const m = /^#(Software|Version|Date|Fields|Remark|Start-Date|End-Date):\s*(.*)$/.exec(line);
        if (!m) return reject('no_match');
        if (m[1] === 'Fields') {
          fields = m[2].trim().split(/\s+/);
          index = indexOf(fields);
        }
        return reject('header');
      }
      const cols = line.split(' ');
      const columns = fields === null ? defaults.get(cols.length) : cols.length === fields.length ? index : undefined;
      if (columns === undefined) return reject('no_match');
      const get = (name: string) => {
        const i = columns.get(name);
        return i === undefined ? undefined : cols[i];
      };
      const date = get('date');
      const time = get('time');
      if (date === undefined || time === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}:\d{2}(?:\.\d+)?$/.test(time)) return reject('no_match');
      const ts = Date.parse(`${date}T${time}Z`);
      if (Number.isNaN(ts)) return reject('bad_timestamp', `${date} ${time}`);
      const statusText = get('sc-status');
      if (statusText === undefined || !/^\d{3}$/.test(statusText)) return reject('bad_status', statusText);
      const ip = value(get('c-ip'));
      if (ip === null) return reject('missing_field', 'c-ip');
      const stem = value(get('cs-uri-stem'));
      const query = value(get('cs-uri-query'));
      const method = value(get('cs-method'));
      const protocol = value(get('cs-version'));
      const target = stem === null ? null : query === null ? stem : `${stem}?${query}`;
      const extra: Record<string, string> = {};
      for (const name of ['sc-substatus', 'sc-win32-status', 's-sitename', 's-ip', 's-port']) {
        const v = value(get(name));
        if (v !== null) extra[name] = v;
      }
      const port = get('s-port');
      const bytes = value(get('sc-bytes'));
      const timeTaken = value(get('time-taken'));
      const record: AccessRecord = {
        kind: 'access',
        ts,
        offsetMin: 0,
        ip,
        user: value(get('cs-username')),
        userLogged: columns.has('cs-username'),
        method,
        target,
        protocol,
        request: [method, target, protocol].filter(Boolean).join(' '),
        status: Number(statusText),
        bytes: bytes === null ? null : Number(bytes),
        referer: spaced(get('cs(referer)')),
        userAgent: spaced(get('cs(user-agent)')),
        forwardedFor: value(get('cs(x-forwarded-for)')),
        host: value(get('cs-host')),
        scheme: port === '443' ? 'https' : port === '80' ? 'http' : null,
        upstreamStatus: null,
        requestTime: timeTaken === null ? null : Number(timeTaken) / 1000,
        wwwAuthenticate: null,
        extra,
      };
      return { ok: true, record };
    },
  };
}
