/**
 * Classification rules as data, tried in order; the first that matches gives the verdict.
 * Proven rules need a correlated error-log line stating the cause; heuristic rules read
 * what the access log alone shows. `fix` is a template filled from the evidence.
 */
import type { Signal } from './signals.js';
import type { Cause, Confidence, Layer, Tag } from './vocabulary.js';

/**
 * A token or cookie said to have stopped working must have worked for this long first. Seen
 * in the lab: a browser whose REST calls succeed with cookie and nonce gets a 401 a second
 * later for a call without the nonce; nothing expired, the call lacked its credentials.
 */
const WORKED_FOR_MS = 5 * 60_000;

export interface RuleWhen {
  status: 401 | 403;
  /** The correlated event must state one of these. */
  signal?: Signal[];
  /** `present`: a user name was sent; `absent`: the format logs users and none was sent. */
  user?: 'present' | 'absent' | 'unlogged';
  path?: RegExp;
  bytes?: number[];
  tag?: Tag;
  notTag?: Tag;
  /** previously_ok with (true) or without (false) a Basic user on the earlier successes. */
  priorBasic?: boolean;
  /** previously_ok, the first success at least this long before (ms): a credential that stopped working had worked for a while. */
  workedForMs?: number;
  /** The WWW-Authenticate challenge the server sent, when the format logs it. */
  challenge?: RegExp;
  /** Format-specific fields the access line itself carries (IIS's substatus, HAProxy's server). */
  extra?: Record<string, RegExp>;
}

export interface Rule {
  id: string;
  cause: Cause;
  /** What the rule reads: an explaining error-log line, or the access log alone. */
  needs: 'error_log' | 'access_log';
  when: RuleWhen;
  confidence: Confidence;
  /**
   * `event` takes the layer from the correlated line's log (nginx or apache). `upstream`:
   * whoever answered, which `$upstream_status` tells when logged; else `unknown` (in a
   * combined log nginx's own 401 and its upstream's look alike).
   */
  layer: Layer | 'event' | 'upstream';
  /** For heuristics, what was inferred; for proven rules, shown before the evidence line. */
  evidence: string;
  fix: string;
}

const WP_REST = /^\/(?:wp-json\/|index\.php\/wp-json\/|.*[?&]rest_route=)/;
const WP_AJAX = /\/wp-admin\/admin-ajax\.php$/;

/**
 * What nginx logs as $body_bytes_sent for a body of `n` bytes that PHP sent chunked (HTTP/1.1
 * behind nginx + php-fpm): the chunk framing is counted (seen in the lab: admin-ajax's `-1`
 * logged as 12 bytes, the REST nonce error as 101; 2 and 90 only over HTTP/1.0).
 */
export function chunkedBytes(n: number): number {
  return n.toString(16).length + 2 + n + 2 + '0\r\n\r\n'.length;
}

const REST_NONCE_BODIES = [
  JSON.stringify({ code: 'rest_cookie_invalid_nonce', message: 'Cookie check failed', data: { status: 403 } }).length,
  JSON.stringify({ code: 'rest_cookie_invalid_nonce', message: 'Cookie nonce is invalid', data: { status: 403 } }).length,
];

/** Body sizes of WordPress's "invalid nonce" REST error (before and after 5.8's wording change), plain and chunked. */
export const REST_NONCE_BODY_BYTES = [...REST_NONCE_BODIES, ...REST_NONCE_BODIES.map(chunkedBytes)];
/** admin-ajax's `-1` (a failed check_ajax_referer), plain and chunked. */
const AJAX_NONCE_BODY_BYTES = [2, chunkedBytes(2)];

export const RULES: Rule[] = [
  // Proven: an error-log line states the cause.
  { id: 'user-not-found', cause: 'user_not_found', needs: 'error_log', when: { status: 401, signal: ['user_not_found'] }, confidence: 'proven', layer: 'event',
    evidence: 'the server logged that the user does not exist',
    fix: 'User "{user}" is not in {file}: add it (`htpasswd {fileArg} {user}`) or correct the user name the client sends.' },
  { id: 'password-mismatch', cause: 'password_mismatch', needs: 'error_log', when: { status: 401, signal: ['password_mismatch'] }, confidence: 'proven', layer: 'event',
    evidence: 'the server logged a password mismatch',
    fix: 'The password sent for "{user}" does not match {file}: reset it (`htpasswd {fileArg} {user}`) or update the password stored in the client.' },
  { id: 'pam-failure', cause: 'bad_credentials', needs: 'error_log', when: { status: 401, signal: ['pam_failure'] }, confidence: 'proven', layer: 'event',
    evidence: 'PAM refused the credentials',
    fix: 'PAM refused "{user}" ({object}): check the account and password in the PAM service nginx uses.' },
  { id: 'no-credentials-logged', cause: 'no_credentials', needs: 'error_log', when: { status: 401, signal: ['no_credentials'] }, confidence: 'proven', layer: 'event',
    evidence: 'the server logged that no credentials were sent',
    fix: 'No credentials were sent for {path}: configure the client to send them; a browser will prompt and retry.' },
  { id: 'wrong-scheme', cause: 'token_rejected', needs: 'error_log', when: { status: 401, signal: ['wrong_scheme'] }, confidence: 'proven', layer: 'event',
    evidence: 'the client sent a non-Basic Authorization header (a token) to a Basic-auth location',
    fix: 'The client sends a token where {path} expects Basic auth: send user:password, or exempt this path from auth_basic / AuthType Basic.' },
  { id: 'digest-nonce-expired', cause: 'nonce_expired', needs: 'error_log', when: { status: 401, signal: ['nonce_expired'] }, confidence: 'proven', layer: 'event',
    evidence: 'the server logged that the Digest nonce expired',
    fix: 'The Digest nonce of "{user}" expired; the client should retry with the new nonce. If it keeps failing, raise AuthDigestNonceLifetime.' },
  { id: 'authz-denied-401', cause: 'bad_credentials', needs: 'error_log', when: { status: 401, signal: ['authz_denied'] }, confidence: 'proven', layer: 'event',
    evidence: 'the user authenticated but the Require rules refused it',
    fix: '"{user}" is known but not allowed on {object}: add it to the Require user/group for that path, or set AuthzSendForbiddenOnFailure On to answer 403.' },
  { id: 'auth-file-missing', cause: 'auth_file_missing', needs: 'error_log', when: { status: 403, signal: ['auth_file_missing'] }, confidence: 'proven', layer: 'event',
    evidence: 'the server could not open its user file',
    fix: 'The user file {file} does not exist: create it (`htpasswd -c {fileArg} USER`) or fix auth_basic_user_file / AuthUserFile.' },
  { id: 'credentials-refused', cause: 'bad_credentials', needs: 'error_log', when: { status: 401, signal: ['credentials_refused'] }, confidence: 'proven', layer: 'event',
    evidence: 'the server refused the credentials without saying whether the user or the password was wrong',
    fix: 'The credentials of "{user}" were refused on {path}: the user is not in the user file or its password is wrong (the server does not say which). Check both: grep for the user in the user file, then htpasswd -v FILE {user}.' },
  { id: 'modsecurity-denied', cause: 'waf_blocked', needs: 'error_log', when: { status: 403, signal: ['waf_denied'] }, confidence: 'proven', layer: 'event',
    evidence: 'ModSecurity denied the request',
    fix: 'ModSecurity rule {object} blocked {ip} on {path}: if the request is legitimate, exclude that rule for this location (SecRuleRemoveById {object}, or ctl:ruleRemoveById in an exclusion rule); if not, the block is working.' },
  { id: 'forbidden-rule', cause: 'forbidden', needs: 'error_log', when: { status: 403, signal: ['forbidden_rule', 'authz_denied', 'auth_file_unreadable'] }, confidence: 'proven', layer: 'event',
    evidence: 'a server rule refuses this client',
    fix: 'A rule refuses {ip} on {path}: check the allow/deny (nginx) or Require (Apache) rules for it, or the file permissions.' },

  // Proven by WordPress itself: authlog's mu-plugin in debug.log, or WP fail2ban's syslog lines.
  { id: 'wp-user-not-found', cause: 'user_not_found', needs: 'error_log', when: { status: 401, signal: ['wp_user_not_found'] }, confidence: 'proven', layer: 'event',
    evidence: 'WordPress reported an unknown user name or e-mail',
    fix: 'WordPress has no user "{user}": the client logs in with a wrong name or e-mail; use the exact user login (or create the user), then a valid application password.' },
  { id: 'wp-password-mismatch', cause: 'password_mismatch', needs: 'error_log', when: { status: 401, signal: ['wp_password_mismatch'] }, confidence: 'proven', layer: 'event',
    evidence: 'WordPress reported an incorrect password',
    fix: 'The password or application password sent for "{user}" is wrong or revoked: create a new application password under Users → Profile → Application Passwords and update the client.' },
  { id: 'wp-app-passwords-disabled', cause: 'bad_credentials', needs: 'error_log', when: { status: 401, signal: ['wp_app_passwords_disabled'] }, confidence: 'proven', layer: 'event',
    evidence: 'WordPress reported that application passwords are disabled',
    fix: 'Application passwords are disabled for "{user}" or the site (a security plugin, or the wp_is_application_passwords_available filter): enable them, or authenticate another way.' },
  { id: 'wp-login-failed', cause: 'bad_credentials', needs: 'error_log', when: { status: 401, signal: ['wp_login_failed'] }, confidence: 'proven', layer: 'event',
    evidence: 'WordPress refused the credentials',
    fix: 'WordPress refused the credentials of "{user}" ({object}): check the account (spam flag, 2FA, a security plugin) and the password.' },
  { id: 'wp-nonce-failed-403', cause: 'nonce_expired', needs: 'error_log', when: { status: 403, signal: ['wp_nonce_failed'] }, confidence: 'proven', layer: 'event',
    evidence: 'WordPress reported a failed nonce check',
    fix: 'The nonce for "{object}" is stale (older than nonce_life, 24 h by default) or from another session: reload the page; exclude pages that embed nonces from full-page caches.' },
  { id: 'wp-nonce-failed-401', cause: 'nonce_expired', needs: 'error_log', when: { status: 401, signal: ['wp_nonce_failed'] }, confidence: 'proven', layer: 'event',
    evidence: 'WordPress reported a failed nonce check and treated the request as logged out',
    fix: 'The nonce for "{object}" no longer matches the session: reload wp-admin to get a fresh nonce and login cookie.' },
  { id: 'wp-cookie-expired', cause: 'session_expired', needs: 'error_log', when: { status: 401, signal: ['wp_cookie_expired'] }, confidence: 'proven', layer: 'event',
    evidence: 'WordPress reported an expired login cookie',
    fix: 'The login session of "{user}" expired: log in again. If it expires during work, lengthen it with the auth_cookie_expiration filter ("Remember me" gives 14 days).' },
  { id: 'wp-cookie-expired-nonce', cause: 'nonce_expired', needs: 'error_log', when: { status: 403, signal: ['wp_cookie_expired'] }, confidence: 'proven', layer: 'event',
    evidence: 'WordPress reported an expired login cookie; the nonce sent with it was then checked as logged out and failed',
    fix: 'The login session of "{user}" expired, so the page\'s nonce failed too: log in again and reload the page.' },
  { id: 'wp-cookie-invalid', cause: 'bad_credentials', needs: 'error_log', when: { status: 401, signal: ['wp_cookie_invalid'] }, confidence: 'proven', layer: 'event',
    evidence: 'WordPress rejected the login cookie (bad hash, unknown session token, unknown user or malformed)',
    fix: 'The login cookie of "{user}" is no longer valid (password changed, logged out elsewhere, or salts rotated): log in again.' },
  { id: 'wp-cookie-invalid-nonce', cause: 'nonce_expired', needs: 'error_log', when: { status: 403, signal: ['wp_cookie_invalid'] }, confidence: 'proven', layer: 'event',
    evidence: 'WordPress rejected the login cookie; the nonce sent with it then failed',
    fix: 'The login cookie of "{user}" is no longer valid, so the nonce failed too: log in again and reload the page.' },

  // Heuristic: WordPress endpoints, read from the access log.
  { id: 'wp-ajax-nonce', cause: 'nonce_expired', needs: 'access_log', when: { status: 403, path: WP_AJAX, bytes: AJAX_NONCE_BODY_BYTES }, confidence: 'heuristic', layer: 'wordpress',
    evidence: 'admin-ajax.php answered 403 with the 2-byte body "-1": check_ajax_referer() refused the nonce',
    fix: 'The page that made this admin-ajax call holds a stale nonce (older than nonce_life, default 24 h, or from another session): reload the page; if pages are cached, exclude them from the cache.' },
  { id: 'wp-rest-nonce', cause: 'nonce_expired', needs: 'access_log', when: { status: 403, path: WP_REST, bytes: REST_NONCE_BODY_BYTES }, confidence: 'heuristic', layer: 'wordpress',
    evidence: 'the REST API answered 403 with a body the size of rest_cookie_invalid_nonce ("Cookie check failed")',
    fix: 'The X-WP-Nonce sent to {path} is stale or belongs to another session: reload wp-admin to get a fresh nonce; do not cache pages that embed wpApiSettings.nonce.' },
  { id: 'wp-rest-basic-refused', cause: 'bad_credentials', needs: 'access_log', when: { status: 401, path: WP_REST, user: 'present' }, confidence: 'heuristic', layer: 'wordpress',
    evidence: 'Basic credentials (an application password) were sent to the REST API and refused',
    fix: 'The application password of "{user}" was refused: check it under Users → Profile → Application Passwords, and that the site is reached over HTTPS (WordPress ignores application passwords over plain HTTP).' },
  { id: 'wp-rest-token-rejected', cause: 'token_rejected', needs: 'access_log', when: { status: 401, path: WP_REST, user: 'absent', tag: 'previously_ok', priorBasic: false, workedForMs: WORKED_FOR_MS }, confidence: 'heuristic', layer: 'wordpress',
    evidence: 'this client used the REST endpoint successfully without Basic auth before: its token or cookie is no longer accepted',
    fix: 'The token or login cookie {ip} uses for {path} stopped working (expired, revoked or rotated): issue a new one to the client.' },
  { id: 'wp-rest-anonymous', cause: 'no_credentials', needs: 'access_log', when: { status: 401, path: WP_REST, user: 'absent' }, confidence: 'heuristic', layer: 'wordpress',
    evidence: 'the REST API treated the request as logged out: no credentials and no X-WP-Nonce reached WordPress',
    fix: 'Send credentials to {path}: an application password (Basic auth over HTTPS), or the X-WP-Nonce header with the login cookie. Behind a proxy or PHP-FPM, check the Authorization header is passed through.' },

  // The challenge the server logged ($sent_http_www_authenticate) states the cause (RFC 6750 §3.1).
  { id: 'bearer-invalid-token', cause: 'token_rejected', needs: 'access_log', when: { status: 401, challenge: /\berror\s*=\s*"?invalid_token\b/i }, confidence: 'proven', layer: 'upstream',
    evidence: 'the server answered with a Bearer challenge saying error="invalid_token": the token is expired, revoked or malformed (RFC 6750)',
    fix: 'The access token {ip} sends to {path} was refused as invalid_token (expired, revoked or malformed): get a new token, and check the issuer and the clocks.' },
  { id: 'bearer-invalid-request', cause: 'bad_credentials', needs: 'access_log', when: { status: 401, challenge: /\berror\s*=\s*"?invalid_request\b/i }, confidence: 'proven', layer: 'upstream',
    evidence: 'the server answered with a Bearer challenge saying error="invalid_request": the token was sent in a malformed way (RFC 6750)',
    fix: 'The request to {path} carried its token in a malformed way (a missing or repeated parameter, or more than one way of sending it): send it once, in the Authorization header.' },
  { id: 'bearer-insufficient-scope', cause: 'forbidden', needs: 'access_log', when: { status: 403, challenge: /\berror\s*=\s*"?insufficient_scope\b/i }, confidence: 'proven', layer: 'upstream',
    evidence: 'the server answered with a Bearer challenge saying error="insufficient_scope": the token is valid but lacks the scope this needs (RFC 6750)',
    fix: 'The token {ip} sends is valid but lacks the scope {path} needs: request a token with that scope.' },

  // IIS writes why in the access line itself: the substatus and the Win32 status (W3C log).
  { id: 'iis-logon-failed', cause: 'bad_credentials', needs: 'access_log', when: { status: 401, extra: { 'sc-substatus': /^1$/, 'sc-win32-status': /^1326$/ } }, confidence: 'proven', layer: 'iis',
    evidence: 'IIS logged 401.1 with Win32 status 1326: logon failed, unknown user name or bad password (Windows does not say which)',
    fix: 'Windows refused the logon of "{user}": the account does not exist or the password is wrong. Check the account (net user, Active Directory) and the password the client sends.' },
  { id: 'iis-account-refused', cause: 'bad_credentials', needs: 'access_log', when: { status: 401, extra: { 'sc-substatus': /^1$/, 'sc-win32-status': /^(?:1327|1328|1330|1331|1385|1793|1909)$/ } }, confidence: 'proven', layer: 'iis',
    evidence: 'IIS logged 401.1 with an account Win32 status (1327 restriction, 1328 logon hours, 1330 password expired, 1331 disabled, 1385 logon type not granted, 1793 account expired, 1909 locked out)',
    fix: 'Windows knows "{user}" but refuses the account itself (expired or locked out, disabled, outside logon hours, or without the "log on" right): fix the account in Active Directory or the local users, not the password the client sends.' },
  { id: 'iis-no-credentials', cause: 'no_credentials', needs: 'access_log', when: { status: 401, extra: { 'sc-substatus': /^2$/ } }, confidence: 'proven', layer: 'iis',
    evidence: 'IIS logged 401.2: the request carried no credentials the site accepts (the first leg of Negotiate/NTLM, or a method the site does not enable)',
    fix: 'No credentials the site accepts were sent to {path}: a browser retries with Negotiate/NTLM by itself; a script must send them (curl --negotiate -u : or --ntlm -u USER), and the site must enable the method the client uses.' },
  { id: 'iis-acl', cause: 'bad_credentials', needs: 'access_log', when: { status: 401, extra: { 'sc-substatus': /^3$/ } }, confidence: 'proven', layer: 'iis',
    evidence: 'IIS logged 401.3: the user is authenticated, and the file\'s ACL denies them',
    fix: 'Windows authenticated "{user}", and the NTFS permissions of {path} do not let them read it: grant the user (or the site\'s anonymous identity) read access, or ask for another account.' },
  { id: 'iis-forbidden', cause: 'forbidden', needs: 'access_log', when: { status: 403, extra: { 'sc-substatus': /^\d+$/ } }, confidence: 'proven', layer: 'iis',
    evidence: 'IIS logged 403 with a substatus saying which refusal (403.6 address rejected, 403.4 SSL required, 403.14 directory listing denied, 403.503 IP restriction …)',
    fix: 'IIS refuses {path} for {ip}: look the 403 substatus up (IP and domain restrictions, SSL settings, directory browsing, request filtering) in the site\'s IIS configuration.' },

  // Heuristic: what the access log alone shows.
  { id: 'token-stopped-working', cause: 'token_rejected', needs: 'access_log', when: { status: 401, user: 'absent', tag: 'previously_ok', notTag: 'challenge', priorBasic: false, workedForMs: WORKED_FOR_MS }, confidence: 'heuristic', layer: 'upstream',
    evidence: 'this client succeeded on this endpoint before without a Basic user, and is refused now: its token or key is no longer accepted',
    fix: 'The token, key or cookie {ip} sends to {path} stopped working (expired, revoked or rotated): issue a new one, or check what changed on the server at that time.' },
  { id: 'user-refused', cause: 'bad_credentials', needs: 'access_log', when: { status: 401, user: 'present' }, confidence: 'heuristic', layer: 'upstream',
    evidence: 'the access log shows credentials were sent (the user name, or an Authorization header whose value the server withheld) and refused (no error-log line says why)',
    fix: 'Credentials for "{user}" were refused on {path}: check the user exists and its password (`htpasswd -v FILE {user}`); read the error log at the same time to learn which.' },
  { id: 'no-user', cause: 'no_credentials', needs: 'access_log', when: { status: 401, user: 'absent' }, confidence: 'heuristic', layer: 'upstream',
    evidence: 'the access log shows no user (-): no credentials were sent',
    fix: 'No credentials were sent for {path}: configure the client to send them (a browser prompts and retries; a script needs -u USER or an Authorization header).' },
  // HAProxy answered itself (server <NOSRV>): its http-request auth; the default log has no user.
  { id: 'haproxy-auth', cause: 'unknown', needs: 'access_log', when: { status: 401, extra: { server: /^<NOSRV>$/ } }, confidence: 'heuristic', layer: 'upstream',
    evidence: 'HAProxy answered the 401 itself (server <NOSRV>: http-request auth); its log does not say whether credentials came',
    fix: 'HAProxy\'s http-request auth refused {ip} on {path}. To tell a missing password from a wrong one, log whether the header came: http-request capture req.hdr(authorization),length len 4 in the frontend.' },
  { id: 'unlogged-user', cause: 'unknown', needs: 'access_log', when: { status: 401, user: 'unlogged' }, confidence: 'heuristic', layer: 'upstream',
    evidence: 'the log format does not record $remote_user, so the access log cannot tell whether credentials were sent',
    fix: 'Add $remote_user to the log_format (and keep the error log at level error) so authlog can tell the causes apart.' },
  { id: 'forbidden', cause: 'forbidden', needs: 'access_log', when: { status: 403 }, confidence: 'heuristic', layer: 'upstream',
    evidence: 'a 403: the server understood the request and refuses it (no error-log line says which rule)',
    fix: 'The server refuses {path} for this client: check allow/deny rules, file permissions and the application\'s own permission checks.' },
];
