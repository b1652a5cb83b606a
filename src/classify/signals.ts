/**
 * What an error-log or debug.log message states about authentication, as data: one
 * anchored pattern per known message (texts from nginx, httpd and WordPress sources, see
 * shared/formats). Anchoring matters: a logged path or header may contain the words of
 * another message, as fail2ban's "must not match" samples show.
 */
import type { LogEvent } from '../../parsers/index.js';
import { pluginFields } from '../../parsers/wordpress-debug.js';
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
  // a web application firewall (ModSecurity) denied the request
  'waf_denied',
  // credentials refused, the server not saying whether the user or the password was wrong
  'credentials_refused',
  // WordPress, from authlog's mu-plugin in debug.log or from WP fail2ban's syslog lines
  'wp_user_not_found',
  'wp_password_mismatch',
  'wp_app_passwords_disabled',
  'wp_login_failed',
  'wp_nonce_failed',
  'wp_cookie_expired',
  'wp_cookie_invalid',
] as const;
export type Signal = (typeof SIGNALS)[number];

interface SignalPattern {
  formats: LogEvent['format'][];
  signal: Signal;
  re: RegExp;
  /** Capture group holding the user name, and the one naming the file or URI. */
  user?: number;
  object?: number;
  /**
   * Messages it states (from the servers' sources, fail2ban's test logs and the lab): each
   * must be claimed by this pattern and no earlier one (test/classify/signal-catalogue.test.ts).
   */
  samples: string[];
}

const NGINX: LogEvent['format'][] = ['nginx-error'];
const WP_FAIL2BAN: LogEvent['format'][] = ['wp-fail2ban'];
const APACHE: LogEvent['format'][] = ['apache-error'];
const LIGHTTPD: LogEvent['format'][] = ['lighttpd-error'];

export const SIGNAL_PATTERNS: SignalPattern[] = [
  { formats: NGINX, signal: 'no_credentials', re: /^no user\/password was provided for basic authentication$/, samples: ['no user/password was provided for basic authentication'] },
  { formats: NGINX, signal: 'user_not_found', re: /^user "(.*)" was not found in "([^"]*)"$/, user: 1, object: 2, samples: ['user "xyz" was not found in "/var/www/.htpasswd"'] },
  { formats: NGINX, signal: 'password_mismatch', re: /^user "(.*)": password mismatch$/, user: 1, samples: ['user "scribendio": password mismatch'] },
  { formats: NGINX, signal: 'pam_failure', re: /^PAM: user '(.*)' - not authenticated: (.*)$/, user: 1, object: 2, samples: ['PAM: user \'bob\' - not authenticated: Authentication failure'] },
  { formats: NGINX, signal: 'auth_file_missing', re: /^open\(\) "([^"]*)" failed \(2: No such file or directory\)$/, object: 1, samples: ['open() "/etc/nginx/.htpasswd" failed (2: No such file or directory)'] },
  { formats: NGINX, signal: 'auth_file_unreadable', re: /^open\(\) "([^"]*)" failed \(13: Permission denied\)$/, object: 1, samples: ['open() "/etc/nginx/.htpasswd" failed (13: Permission denied)'] },
  { formats: NGINX, signal: 'crypt_failed', re: /^crypt(?:_r)?\(\) failed/, samples: ['crypt_r() failed (22: Invalid argument)'] },
  { formats: NGINX, signal: 'forbidden_rule', re: /^access forbidden by rule$/, samples: ['access forbidden by rule'] },
  { formats: NGINX, signal: 'forbidden_rule', re: /^directory index of "([^"]*)" is forbidden$/, object: 1, samples: ['directory index of "/var/www/html/private/" is forbidden'] },
  { formats: NGINX, signal: 'auth_request_status', re: /^auth request unexpected status: (\d+)/, object: 1, samples: ['auth request unexpected status: 502 while sending to client'] },
  // Apache 2.4 (with AH code) and 2.2 (without) share the message texts.
  { formats: APACHE, signal: 'password_mismatch', re: /^user (.*): authentication failure for "(.*)": Password Mismatch$/, user: 1, object: 2, samples: ['user username: authentication failure for "/basic/file": Password Mismatch'] },
  // The realm form first: the plain form would take "`user' in realm `realm'" for the user (AH01790).
  { formats: APACHE, signal: 'user_not_found', re: /^(?:Digest: )?user `(.*)' in realm `(.*)' not found(?:: (.*))?$/, user: 1, object: 3, samples: ['Digest: user `username\' in realm `digest private area\' not found: /digest/', 'user `user_test\' in realm `home.me\' not found: /'] },
  // 2.2 writes it without the path too: "[client 192.168.0.2] user root not found"
  { formats: APACHE, signal: 'user_not_found', re: /^user (.*) not found(?:: (.*))?$/, user: 1, object: 2, samples: ['user gg not found: /', 'user root not found'] },
  { formats: APACHE, signal: 'password_mismatch', re: /^(?:Digest: )?user (.*): password mismatch: (.*)$/, user: 1, object: 2, samples: ['Digest: user alice: password mismatch: /digest/'] },
  { formats: APACHE, signal: 'nonce_expired', re: /^user (.*): nonce expired \([\d.]+ seconds old/, user: 1, samples: ['user ivan: nonce expired (87.93 seconds old - max lifetime 60) - sending new nonce'] },
  { formats: APACHE, signal: 'wrong_scheme', re: /^client used wrong authentication scheme:? `?([^']*?)'?(?:: (.*))?$/, object: 1, samples: ['client used wrong authentication scheme: /basic/'] },
  { formats: APACHE, signal: 'no_credentials', re: /^authorization failure \(no authenticated user\): (.*)$/, object: 1, samples: ['authorization failure (no authenticated user): /private/'] },
  { formats: APACHE, signal: 'authz_denied', re: /^user (.*): authorization failure for "(.*)": ?$/, user: 1, object: 2, samples: ['user bob: authorization failure for "/admin/": '] },
  { formats: APACHE, signal: 'authz_denied', re: /^Authorization of user (.*) to access (.*) failed, reason: /, user: 1, object: 2, samples: ['Authorization of user bob to access /admin/ failed, reason: user is not part of the \'require\'ed group(s).'] },
  { formats: APACHE, signal: 'forbidden_rule', re: /^client denied by server configuration: (?:uri )?(.*)$/, object: 1, samples: ['client denied by server configuration: /var/www/html/noentry/cant_get_me.html'] },
  // Apache 2.2's Options -Indexes refusal
  { formats: APACHE, signal: 'forbidden_rule', re: /^Directory index forbidden by (?:rule|Options directive): (.*)$/, object: 1, samples: ['Directory index forbidden by rule: /var/www/html/'] },
  { formats: APACHE, signal: 'auth_file_missing', re: /^\(2\)No such file or directory: Could not open password file: (.*)$/, object: 1, samples: ['(2)No such file or directory: Could not open password file: /etc/apache2/.htpasswd'] },
  { formats: APACHE, signal: 'auth_file_unreadable', re: /^(?:\(\d+\)[^:]*: )?Could not open password file: (.*)$/, object: 1, samples: ['(13)Permission denied: Could not open password file: /etc/apache2/.htpasswd'] },
  // ModSecurity in nginx or Apache (fail2ban's apache-modsecurity and nginx-modsecurity test
  // logs): the rule id is anywhere in the bracketed fields, before or after the verdict.
  { formats: [...NGINX, ...APACHE], signal: 'waf_denied', re: /^(?:\[client [^\]]+\] )?ModSecurity: (?=.*?Access denied with code (\d{3}))(?=(?:.*?\[id "(\d+)"\])?)/, object: 2, samples: ['[client 172.16.224.1] ModSecurity: Access denied with code 403 (phase 2).  [file "/etc/nginx/waf/REQUEST-942.conf"] [line "43"] [id "942100"] [uri "/foo"]'] },
  // lighttpd (mod_auth; http_auth.c before 1.4.46): the client address is split off by the parser.
  // "password doesn't match" is written for an unknown user too (seen on a real 1.4.69).
  { formats: LIGHTTPD, signal: 'credentials_refused', re: /^password doesn't match for (\S+) username: (.*)$/, user: 2, object: 1, samples: ['password doesn\'t match for /gitweb/ username: francois'] },
  { formats: LIGHTTPD, signal: 'password_mismatch', re: /^digest: auth failed for\s+(.*?)\s*: (?:wrong password|uid mismatch)/, user: 1, samples: ['digest: auth failed for  xxx : wrong password'] },
  // the user is not in the user file (or the file cannot be read): lighttpd does not say which user
  { formats: LIGHTTPD, signal: 'user_not_found', re: /^get_password failed$/, samples: ['get_password failed'] },
  { formats: LIGHTTPD, signal: 'wrong_scheme', re: /^client used invalid token: (.*)$/, object: 1, samples: ['client used invalid token: My Protected Web Application'] },
  // WP fail2ban (the " from IP" suffix is already split off by the parser)
  { formats: WP_FAIL2BAN, signal: 'wp_user_not_found', re: /^(?:REST |XML-RPC )?[Aa]uthentication attempt for unknown user (.*)$/, user: 1, samples: ['Authentication attempt for unknown user admin', 'REST authentication attempt for unknown user ghost'] },
  { formats: WP_FAIL2BAN, signal: 'wp_password_mismatch', re: /^(?:REST |XML-RPC )?[Aa]uthentication failure for (.*)$/, user: 1, samples: ['Authentication failure for admin', 'XML-RPC authentication failure for editor'] },
  { formats: WP_FAIL2BAN, signal: 'no_credentials', re: /^Empty username$/, samples: ['Empty username'] },
  { formats: WP_FAIL2BAN, signal: 'forbidden_rule', re: /^Blocked (?:username )?authentication attempt for (.*)$/, user: 1, samples: ['Blocked authentication attempt for admin'] },
  { formats: WP_FAIL2BAN, signal: 'forbidden_rule', re: /^Blocked user enumeration attempt$/, samples: ['Blocked user enumeration attempt'] },
];

/** What each mu-plugin line states, by hook and WordPress error code. */
function pluginSignal(hook: string, code: string): Signal {
  switch (hook) {
    case 'wp_login_failed':
    case 'application_password_failed_authentication':
      if (code === 'invalid_username' || code === 'invalid_email') return 'wp_user_not_found';
      if (code === 'incorrect_password') return 'wp_password_mismatch';
      if (code.startsWith('application_passwords_disabled')) return 'wp_app_passwords_disabled';
      if (code === 'empty_username' || code === 'empty_password') return 'no_credentials';
      return 'wp_login_failed';
    case 'auth_cookie_expired':
      return 'wp_cookie_expired';
    case 'auth_cookie_bad_hash':
    case 'auth_cookie_bad_session_token':
    case 'auth_cookie_bad_username':
    case 'auth_cookie_malformed':
      return 'wp_cookie_invalid';
    default:
      return 'wp_nonce_failed';
  }
}

const NONE: EventSignal = { signal: null, user: null, object: null };

export function detectSignal(event: LogEvent): EventSignal {
  if (event.format === 'wordpress-debug') {
    const p = pluginFields(event.message);
    if (!p) return NONE;
    return { signal: pluginSignal(p.hook, p.code), user: p.user || null, object: p.action ?? p.code };
  }
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

/** The code that turns a line into its signal, as text: a change to it re-derives stored signals. */
export const SIGNAL_CODE = [detectSignal, pluginSignal].map(String).join('\n');

