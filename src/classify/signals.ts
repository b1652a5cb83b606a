/**
 * What an error-log or debug.log message states about authentication, as data: one
 * anchored pattern per known message (texts from nginx, httpd and WordPress sources, see
 * shared/formats). Anchoring matters: a logged path or header may contain the words of
 * another message, as fail2ban's "must not match" samples show.
 */
import type { LogEvent } from '../../parsers/index.js';
import type { EventSignal } from '../store/writer.js';

export const SIGNALS = [
  'no_credentials',
  'user_not_found',
  'password_mismatch',
  'pam_failure',
  'wrong_scheme',
  'nonce_expired',
  'auth_file_missing',
  'auth_file_unreadable',
  'crypt_failed',
  'forbidden_rule',
  'authz_denied',
  'auth_request_status',
] as const;
export type Signal = (typeof SIGNALS)[number];

interface SignalPattern {
  formats: LogEvent['format'][];
  signal: Signal;
  re: RegExp;
  /** Capture group holding the user name, and the one naming the file or URI. */
  user?: number;
  object?: number;
}

const NGINX: LogEvent['format'][] = ['nginx-error'];
const APACHE: LogEvent['format'][] = ['apache-error'];

export const SIGNAL_PATTERNS: SignalPattern[] = [
  { formats: NGINX, signal: 'no_credentials', re: /^no user\/password was provided for basic authentication$/ },
  { formats: NGINX, signal: 'user_not_found', re: /^user "(.*)" was not found in "([^"]*)"$/, user: 1, object: 2 },
  { formats: NGINX, signal: 'password_mismatch', re: /^user "(.*)": password mismatch$/, user: 1 },
  { formats: NGINX, signal: 'pam_failure', re: /^PAM: user '(.*)' - not authenticated: (.*)$/, user: 1, object: 2 },
  { formats: NGINX, signal: 'auth_file_missing', re: /^open\(\) "([^"]*)" failed \(2: No such file or directory\)$/, object: 1 },
  { formats: NGINX, signal: 'auth_file_unreadable', re: /^open\(\) "([^"]*)" failed \(13: Permission denied\)$/, object: 1 },
  { formats: NGINX, signal: 'crypt_failed', re: /^crypt(?:_r)?\(\) failed/ },
  { formats: NGINX, signal: 'forbidden_rule', re: /^access forbidden by rule$/ },
  { formats: NGINX, signal: 'forbidden_rule', re: /^directory index of "([^"]*)" is forbidden$/, object: 1 },
  { formats: NGINX, signal: 'auth_request_status', re: /^auth request unexpected status: (\d+)/, object: 1 },
  // Apache 2.4 (with AH code) and 2.2 (without) share the message texts.
  { formats: APACHE, signal: 'password_mismatch', re: /^user (.*): authentication failure for "(.*)": Password Mismatch$/, user: 1, object: 2 },
  { formats: APACHE, signal: 'user_not_found', re: /^user (.*) not found: (.*)$/, user: 1, object: 2 },
  { formats: APACHE, signal: 'user_not_found', re: /^user `(.*)' in realm `(.*)' not found: (.*)$/, user: 1, object: 3 },
  { formats: APACHE, signal: 'password_mismatch', re: /^(?:Digest: )?user (.*): password mismatch: (.*)$/, user: 1, object: 2 },
  { formats: APACHE, signal: 'nonce_expired', re: /^user (.*): nonce expired \([\d.]+ seconds old/, user: 1 },
  { formats: APACHE, signal: 'wrong_scheme', re: /^client used wrong authentication scheme:? `?([^']*?)'?(?:: (.*))?$/, object: 1 },
  { formats: APACHE, signal: 'no_credentials', re: /^authorization failure \(no authenticated user\): (.*)$/, object: 1 },
  { formats: APACHE, signal: 'authz_denied', re: /^user (.*): authorization failure for "(.*)": ?$/, user: 1, object: 2 },
  { formats: APACHE, signal: 'authz_denied', re: /^Authorization of user (.*) to access (.*) failed, reason: /, user: 1, object: 2 },
  { formats: APACHE, signal: 'forbidden_rule', re: /^client denied by server configuration: (?:uri )?(.*)$/, object: 1 },
  { formats: APACHE, signal: 'auth_file_missing', re: /^\(2\)No such file or directory: Could not open password file: (.*)$/, object: 1 },
  { formats: APACHE, signal: 'auth_file_unreadable', re: /^(?:\(\d+\)[^:]*: )?Could not open password file: (.*)$/, object: 1 },
];

const NONE: EventSignal = { signal: null, user: null, object: null };

export function detectSignal(event: LogEvent): EventSignal {
  for (const p of SIGNAL_PATTERNS) {
    if (!p.formats.includes(event.format)) continue;
    const m = p.re.exec(event.message);
    if (!m) continue;
    return {
      signal: p.signal,
      user: p.user !== undefined ? (m[p.user] ?? null) : null,
      object: p.object !== undefined ? (m[p.object] ?? null) : null,
    };
  }
  return NONE;
}
