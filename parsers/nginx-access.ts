/**
 * Nginx (and Apache) access logs in any text `log_format`. The user pastes the format
 * string from nginx.conf; it is compiled once into one anchored regular expression.
 */
import { buildAccessRecord, isKnownVariable, KNOWN_VARIABLES, SLOT_COUNT, type Slots } from './access-record.js';
import { compileByteScanner } from './access-bytes.js';
import { dashToNull, parseTimeLocal, splitRequestLine } from './fields.js';
import { reject, type AccessView, type LogParser, type ParseResult } from './types.js';

export const ACCESS_PRESETS = {
  // nginx's stock `main` from nginx.conf: combined plus the forwarded-for header.
  main: '$remote_addr $_ident $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"',
  combined: '$remote_addr $_ident $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
  common: '$remote_addr $_ident $remote_user [$time_local] "$request" $status $body_bytes_sent',
  // Apache's vhost_combined (Debian's default for virtual hosts): "%v:%p %h %l %u %t ..."
  vhost_combined: '$server_name:$server_port $remote_addr $_ident $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
  // nginx-proxy's (the Docker reverse proxy) `vhost` format: the host first, the upstream last.
  nginx_proxy: '$host $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$upstream_addr"',
  // lighttpd's default accesslog.format: "%h %V %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"" (%V: the host).
  lighttpd: '$remote_addr $host $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
  // Traefik's CLF access log: combined, then the request count, router, server URL ("-" when
  // a middleware such as basicAuth answered) and duration ("3ms").
  traefik: '$remote_addr $_ident $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $traefik_requests "$traefik_router" "$traefik_server" $traefik_duration',
} as const;
export type AccessPreset = keyof typeof ACCESS_PRESETS;

export class LogFormatError extends Error {}

type Token = { literal: string } | { variable: string };

/** Split a log_format string into literals and `$var` / `${var}` references. */
export function tokenizeLogFormat(format: string): Token[] {
  const tokens: Token[] = [];
  const re = /\$\{([A-Za-z0-9_]+)\}|\$([A-Za-z0-9_]+)/g;
  let last = 0;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    if (m.index > last) tokens.push({ literal: format.slice(last, m.index) });
    tokens.push({ variable: m[1] ?? m[2] });
    last = m.index + m[0].length;
  }
  if (last < format.length) tokens.push({ literal: format.slice(last) });
  return tokens;
}

/** Values that may contain spaces even when the format does not quote them. */
const SPACEY = new Set(['remote_user', 'upstream_status', 'upstream_response_time', 'upstream_addr', 'upstream_connect_time', 'upstream_header_time', 'time_local']);
const QUOTED_VALUE = '([^"\\\\]*(?:\\\\.[^"\\\\]*)*)';

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * How a variable's value is delimited, from the literals around it. The regular expression
 * and the byte scanner (access-bytes.ts) are both built from this, so they agree.
 */
export type ValueKind = 'quoted' | 'status' | 'digits' | 'rest' | 'lazy' | 'bracketed' | 'word';

export function valueKind(variable: string, before: string, after: string | undefined): ValueKind {
  if (before.endsWith('"') && after?.startsWith('"')) return 'quoted';
  if (variable === 'status') return 'status';
  if (variable === 'body_bytes_sent' || variable === 'bytes_sent') return 'digits';
  if (after === undefined) return 'rest';
  if (SPACEY.has(variable) && !after.startsWith(']')) return 'lazy';
  if (after[0] === ']') return 'bracketed';
  // Outside quotes nginx values hold no spaces (those that may are SPACEY above).
  return 'word';
}

function valuePattern(kind: ValueKind, after: string | undefined): string {
  switch (kind) {
    case 'quoted': return QUOTED_VALUE;
    case 'status': return '(\\d{3}|-)';
    case 'digits': return '(\\d+|-)';
    case 'rest': return '(.*)';
    case 'lazy': return '(.*?)';
    case 'bracketed': return '([^\\]]*)';
    case 'word': return `([^${escapeRegex(after![0])} ]*)`;
  }
}

/** One step of a compiled format: a literal to match, or a variable to capture. */
export type FormatStep = { literal: string } | { variable: string; kind: ValueKind; target: number | string | null };

export interface CompiledFormat {
  regex: RegExp;
  steps: FormatStep[];
  lenientTail: boolean;
  /** For capture group i+1: the record slot it fills, or the extra-field name. */
  targets: (number | string | null)[];
}

export function compileLogFormat(format: string, lenientTail = false): CompiledFormat {
  const tokens = tokenizeLogFormat(format.trim());
  const variables = tokens.flatMap((t) => ('variable' in t ? [t.variable] : []));
  if (!variables.includes('remote_addr')) throw new LogFormatError('log format has no $remote_addr');
  if (!variables.includes('status')) throw new LogFormatError('log format has no $status');
  if (!variables.some((v) => v === 'time_local' || v === 'time_iso8601' || v === 'msec')) {
    throw new LogFormatError('log format has no time variable ($time_local, $time_iso8601 or $msec)');
  }
  let source = '^';
  const targets: (number | string | null)[] = [];
  const steps: FormatStep[] = [];
  tokens.forEach((token, i) => {
    if ('literal' in token) {
      source += escapeRegex(token.literal);
      steps.push(token);
      return;
    }
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const before = prev && 'literal' in prev ? prev.literal : '';
    const after = next && 'literal' in next ? next.literal : next ? '' : undefined;
    const kind = valueKind(token.variable, before, after === '' ? undefined : after);
    source += valuePattern(kind, after);
    const name = token.variable;
    const target = name.startsWith('_') ? null : isKnownVariable(name) ? KNOWN_VARIABLES[name] : name;
    targets.push(target);
    steps.push({ variable: name, kind, target });
  });
  if (lenientTail) {
    // Presets accept fields appended after them (a common local habit) and keep them as `tail`.
    source += '(?: (.*))?';
    targets.push('tail');
  }
  return { regex: new RegExp(`${source}$`), targets, steps, lenientTail };
}

/** Apache and nginx differ only in escapes; decoding is needed when the raw line has a backslash. */
export function createAccessParser(format: string, variant: string, lenientTail = false): LogParser {
  const compiled = compileLogFormat(format, lenientTail);
  const { regex, targets } = compiled;
  const group = (slot: number) => targets.indexOf(slot) + 1; // 0 when the format lacks it
  const g = {
    ip: group(KNOWN_VARIABLES.remote_addr),
    user: group(KNOWN_VARIABLES.remote_user),
    timeLocal: group(KNOWN_VARIABLES.time_local),
    status: group(KNOWN_VARIABLES.status),
    request: group(KNOWN_VARIABLES.request),
    requestUri: group(KNOWN_VARIABLES.request_uri),
    uri: group(KNOWN_VARIABLES.uri),
    scheme: group(KNOWN_VARIABLES.scheme),
  };
  // The scan fast path covers the usual layouts; others fall back to a full parse.
  const scannable = g.timeLocal > 0 && (g.request > 0 || g.requestUri > 0 || g.uri > 0);
  return {
    name: 'nginx-access',
    variant,
    family: 'access',
    scan: scannable ? (line: string) => scanLine(regex.exec(line), g) : undefined,
    scanBytes: scannable ? compileByteScanner(compiled) : undefined,
    parse(line: string): ParseResult {
      if (line.length === 0) return reject('empty');
      const m = regex.exec(line);
      if (!m) return reject('no_match');
      const slots: Slots = new Array(SLOT_COUNT);
      const extra: Record<string, string> = {};
      for (let i = 0; i < targets.length; i++) {
        const target = targets[i];
        const value = m[i + 1];
        if (typeof target === 'number') slots[target] = value;
        else if (target !== null && value !== undefined) extra[target] = value;
      }
      return buildAccessRecord(slots, extra, line.indexOf('\\') >= 0);
    },
  };
}

/** What buildAccessRecord would read for counting, by the same rules; null where it might differ or reject. */
function scanLine(m: RegExpExecArray | null, g: Record<'ip' | 'user' | 'timeLocal' | 'status' | 'request' | 'requestUri' | 'uri' | 'scheme', number>): AccessView | null {
  if (!m) return null;
  const t = parseTimeLocal(m[g.timeLocal]);
  const statusText = m[g.status];
  const ip = dashToNull(m[g.ip]);
  if (!t || statusText === '-' || ip === null) return null;
  const requestUri = g.requestUri > 0 ? m[g.requestUri] : undefined;
  const request = g.request > 0 ? m[g.request] : undefined;
  const uri = g.uri > 0 ? m[g.uri] : undefined;
  // An escape in a value the target comes from: the full parse decodes before splitting.
  if (requestUri?.includes('\\') || request?.includes('\\') || uri?.includes('\\')) return null;
  const target = dashToNull(requestUri) ?? (request === undefined ? null : splitRequestLine(request).target) ?? dashToNull(uri);
  const user = g.user > 0 ? m[g.user] : undefined;
  const scheme = g.scheme > 0 ? m[g.scheme] : null;
  return { ts: t.ts, offsetMin: t.offsetMin, ip, status: Number(statusText), hasUser: dashToNull(user) !== null, target, scheme };
}

export function presetParser(preset: AccessPreset): LogParser {
  return createAccessParser(ACCESS_PRESETS[preset], preset, preset === 'combined' || preset === 'vhost_combined');
}
