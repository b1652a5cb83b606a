/**
 * Access logs written as one JSON object per line (`log_format x escape=json '{...}'`).
 * With the log_format template, keys map to the variables it names; without it, common
 * key names (the variable's own name, `ip`, `status`, `user_agent`...) are recognised.
 */
import { buildAccessRecord, isKnownVariable, KNOWN_VARIABLES, SLOT_COUNT, type KnownVariable, type Slots } from './access-record.js';
import { reject, type LogParser, type ParseResult } from './types.js';

const ALIASES: Record<string, KnownVariable> = {
  ip: 'remote_addr', client_ip: 'remote_addr', remote_ip: 'remote_addr', clientip: 'remote_addr', client: 'remote_addr', addr: 'remote_addr',
  user: 'remote_user', username: 'remote_user',
  time: 'time_iso8601', ts: 'time_iso8601', timestamp: 'time_iso8601', '@timestamp': 'time_iso8601', datetime: 'time_iso8601',
  method: 'request_method', uri: 'request_uri', url: 'request_uri', path: 'request_uri',
  status_code: 'status', response: 'status', code: 'status',
  bytes: 'body_bytes_sent', size: 'body_bytes_sent',
  referer: 'http_referer', referrer: 'http_referer',
  user_agent: 'http_user_agent', agent: 'http_user_agent', ua: 'http_user_agent',
  x_forwarded_for: 'http_x_forwarded_for', xff: 'http_x_forwarded_for', forwarded_for: 'http_x_forwarded_for',
  www_authenticate: 'sent_http_www_authenticate',
  // Traefik's JSON access log (its field names, and headers as request_<Name>, downstream_<Name>).
  clienthost: 'remote_addr', clientusername: 'remote_user', downstreamstatus: 'status', requestmethod: 'request_method',
  requestpath: 'request_uri', requestprotocol: 'server_protocol', startutc: 'time_iso8601', requesthost: 'host',
  requestscheme: 'scheme', downstreamcontentsize: 'body_bytes_sent', request_user_agent: 'http_user_agent',
  request_referer: 'http_referer', request_x_forwarded_for: 'http_x_forwarded_for', downstream_www_authenticate: 'sent_http_www_authenticate',
};

/** Read `"key": "$var"` pairs out of a JSON log_format template. */
export function templateKeyMap(template: string): Map<string, string> {
  const map = new Map<string, string>();
  const re = /"([^"]+)"\s*:\s*"?\$\{?([A-Za-z0-9_]+)\}?"?/g;
  for (let m = re.exec(template); m; m = re.exec(template)) map.set(m[1], m[2]);
  return map;
}

function variableForKey(key: string, templateMap: Map<string, string> | null): string {
  const fromTemplate = templateMap?.get(key);
  if (fromTemplate) return fromTemplate;
  const k = key.replace(/^\$/, '').toLowerCase().replace(/-/g, '_');
  if (isKnownVariable(k)) return k;
  return ALIASES[k] ?? key;
}

function asString(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** A value that looks like `$time_local` is parsed as such even under an ISO-ish key. */
function placeTime(slots: Slots, value: string): void {
  if (/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:/.test(value)) slots[KNOWN_VARIABLES.time_local] = value;
  else if (/^\d{9,11}(\.\d+)?$/.test(value)) slots[KNOWN_VARIABLES.msec] = value;
  else slots[KNOWN_VARIABLES.time_iso8601] = value;
}

export function createJsonAccessParser(template?: string): LogParser {
  const templateMap = template ? templateKeyMap(template) : null;
  const keyCache = new Map<string, string>();
  return {
    name: 'nginx-json',
    variant: template ? 'custom' : 'auto',
    family: 'access',
    parse(line: string): ParseResult {
      const trimmed = line.trim();
      if (trimmed.length === 0) return reject('empty');
      if (trimmed[0] !== '{') return reject('no_match');
      let obj: unknown;
      try {
        obj = JSON.parse(trimmed);
      } catch {
        return reject('bad_json');
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return reject('bad_json');
      const slots: Slots = new Array(SLOT_COUNT);
      const extra: Record<string, string> = {};
      for (const [key, raw] of Object.entries(obj)) {
        const value = asString(raw);
        if (value === undefined) continue;
        let variable = keyCache.get(key);
        if (variable === undefined) {
          variable = variableForKey(key, templateMap);
          keyCache.set(key, variable);
        }
        if (variable === 'time_iso8601' || variable === 'time_local' || variable === 'msec') placeTime(slots, value);
        else if (isKnownVariable(variable)) slots[KNOWN_VARIABLES[variable]] = value;
        else extra[key] = value;
      }
      if (slots[KNOWN_VARIABLES.status] === undefined) return reject('missing_field', 'status');
      // escape=json output is already unescaped by JSON.parse: no log escapes to undo.
      return buildAccessRecord(slots, extra, false);
    },
  };
}
