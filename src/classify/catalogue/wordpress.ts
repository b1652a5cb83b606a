/**
 * WordPress: application passwords, login cookies and nonces. Proven by authlog's mu-plugin
 * (debug.log) or WP fail2ban's syslog lines; read from the access log by the endpoints'
 * signatures (admin-ajax's `-1`, the REST API's error bodies).
 */
import type { EventFormat, Family } from './types.js';
import { WORKED_FOR_MS } from './tokens.js';

const WP_FAIL2BAN: EventFormat[] = ['wp-fail2ban'];
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

/** What each mu-plugin line states, by hook and WordPress error code. */
export function pluginSignal(hook: string, code: string): string {
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

/** The plugin's (hook, code) pairs for each signal only it gives: the catalogue test feeds them through pluginSignal. */
export const PLUGIN_SAMPLES: Record<string, [hook: string, code: string]> = {
  wp_app_passwords_disabled: ['application_password_failed_authentication', 'application_passwords_disabled'],
  wp_login_failed: ['wp_login_failed', 'spammer_account'],
  wp_nonce_failed: ['rest_cookie_check_errors', 'rest_cookie_invalid_nonce'],
  wp_cookie_expired: ['auth_cookie_expired', 'expired'],
  wp_cookie_invalid: ['auth_cookie_bad_hash', 'bad_hash'],
};

export const wordpress = {
  name: 'wordpress',
  causes: {
    nonce_expired: {
      statuses: [401, 403],
      color: '#16a085',
      summary: 'a nonce (a WordPress page\'s, or Digest auth\'s) is stale or from another session',
      provenBy: 'Apache Digest AH01778 (expired) / AH01779 (a one-time nonce used again) / AH01775–AH01777 (a nonce it did not make: from before a restart, another server\'s, forged), 2.2\'s `Digest: …` forms too; the WordPress plugin\'s failed nonce',
      heuristic: 'admin-ajax 403 with the 2-byte `-1` body (12 bytes as nginx logs it chunked); REST 403 the size of `rest_cookie_invalid_nonce` (90, or 101 chunked)',
    },
    session_expired: {
      statuses: [401],
      color: '#27ae60',
      summary: 'a WordPress login session expired',
      provenBy: 'the WordPress plugin\'s expired login cookie',
      heuristic: '—',
    },
  },
  signals: {
    wp_user_not_found: {
      meaning: 'WordPress has no user by that name or e-mail',
      statuses: [401], credentialsSent: true,
      patterns: [
        // WP fail2ban (the " from IP" suffix is already split off by the parser)
        { formats: WP_FAIL2BAN, re: /^(?:REST |XML-RPC )?[Aa]uthentication attempt for unknown user (.*)$/, user: 1, samples: ['Authentication attempt for unknown user admin', 'REST authentication attempt for unknown user ghost'],
          negatives: ['Authentication failure for admin'] },
      ],
    },
    wp_password_mismatch: {
      meaning: 'WordPress refused the password or application password',
      statuses: [401], credentialsSent: true,
      patterns: [
        { formats: WP_FAIL2BAN, re: /^(?:REST |XML-RPC )?[Aa]uthentication failure for (.*)$/, user: 1, samples: ['Authentication failure for admin', 'XML-RPC authentication failure for editor'],
          negatives: ['Authentication attempt for unknown user admin'] },
      ],
    },
    wp_app_passwords_disabled: { meaning: 'application passwords are disabled', statuses: [401], credentialsSent: true, patterns: [] },
    wp_login_failed: { meaning: 'WordPress refused the credentials for another reason', statuses: [401], credentialsSent: true, patterns: [] },
    // an invalid nonce answers 403; a REST write whose session is gone answers 401
    wp_nonce_failed: { meaning: 'a nonce check failed', statuses: [401, 403], unusualStatus: 401, secondaryMs: 1_000, patterns: [] },
    wp_cookie_expired: { meaning: 'the login cookie expired', statuses: [401, 403], credentialsSent: true, patterns: [] },
    wp_cookie_invalid: { meaning: 'the login cookie is not valid (bad hash, session token or user)', statuses: [401, 403], credentialsSent: true, patterns: [] },
  },
  rules: [
    // Proven by WordPress itself: authlog's mu-plugin in debug.log, or WP fail2ban's syslog lines.
    { id: 'wp-user-not-found', cause: 'user_not_found', tier: 'stated', needs: 'error_log', when: { status: 401, signal: ['wp_user_not_found'] }, confidence: 'proven', layer: 'event',
      evidence: 'WordPress reported an unknown user name or e-mail',
      fix: 'WordPress has no user "{user}": the client logs in with a wrong name or e-mail; use the exact user login (or create the user), then a valid application password.',
      doctor: { title: 'WordPress has no such user', confirm: ['wp user get {user} --field=user_login', "grep 'authlog: ' wp-content/debug.log | grep -c invalid_username"] } },
    { id: 'wp-password-mismatch', cause: 'password_mismatch', tier: 'stated', needs: 'error_log', when: { status: 401, signal: ['wp_password_mismatch'] }, confidence: 'proven', layer: 'event',
      evidence: 'WordPress reported an incorrect password',
      fix: 'The password or application password sent for "{user}" is wrong or revoked: create a new application password under Users → Profile → Application Passwords and update the client.',
      doctor: { title: 'WordPress refuses a password or application password', confirm: ['wp user application-password list {user}', 'curl -v -u {user}:APPLICATION_PASSWORD https://{host}/wp-json/wp/v2/users/me'] } },
    { id: 'wp-app-passwords-disabled', cause: 'bad_credentials', tier: 'stated', needs: 'error_log', when: { status: 401, signal: ['wp_app_passwords_disabled'] }, confidence: 'proven', layer: 'event',
      evidence: 'WordPress reported that application passwords are disabled',
      fix: 'Application passwords are disabled for "{user}" or the site (a security plugin, or the wp_is_application_passwords_available filter): enable them, or authenticate another way.',
      doctor: { title: 'Application passwords are disabled', confirm: ["wp eval 'var_dump( wp_is_application_passwords_available() );'", 'wp plugin list --status=active'] } },
    { id: 'wp-login-failed', cause: 'bad_credentials', tier: 'stated', needs: 'error_log', when: { status: 401, signal: ['wp_login_failed'] }, confidence: 'proven', layer: 'event',
      evidence: 'WordPress refused the credentials',
      fix: 'WordPress refused the credentials of "{user}" ({object}): check the account (spam flag, 2FA, a security plugin) and the password.',
      doctor: { title: 'WordPress refuses the credentials', confirm: ['wp user get {user}', `grep 'authlog: ' wp-content/debug.log | grep -F '"user":"{user}"' | tail`] } },
    { id: 'wp-nonce-failed-403', cause: 'nonce_expired', tier: 'stated', needs: 'error_log', when: { status: 403, signal: ['wp_nonce_failed'] }, confidence: 'proven', layer: 'event',
      evidence: 'WordPress reported a failed nonce check',
      fix: 'The nonce for "{object}" is stale (older than nonce_life, 24 h by default) or from another session: reload the page; exclude pages that embed nonces from full-page caches.',
      doctor: { title: 'WordPress refuses stale nonces', confirm: [`grep 'authlog: ' wp-content/debug.log | grep -c invalid_nonce`, `wp eval 'echo apply_filters( "nonce_life", DAY_IN_SECONDS );'`] } },
    { id: 'wp-nonce-failed-401', cause: 'nonce_expired', tier: 'stated', needs: 'error_log', when: { status: 401, signal: ['wp_nonce_failed'] }, confidence: 'proven', layer: 'event',
      evidence: 'WordPress reported a failed nonce check and treated the request as logged out',
      fix: 'The nonce for "{object}" no longer matches the session: reload wp-admin to get a fresh nonce and login cookie.',
      doctor: { title: 'WordPress refuses stale nonces and treats the caller as logged out', confirm: ["grep 'authlog: ' wp-content/debug.log | grep -c invalid_nonce"] } },
    { id: 'wp-cookie-expired', cause: 'session_expired', tier: 'stated', needs: 'error_log', when: { status: 401, signal: ['wp_cookie_expired'] }, confidence: 'proven', layer: 'event',
      evidence: 'WordPress reported an expired login cookie',
      fix: 'The login session of "{user}" expired: log in again. If it expires during work, lengthen it with the auth_cookie_expiration filter ("Remember me" gives 14 days).',
      doctor: { title: 'WordPress login sessions expire', confirm: ["grep 'authlog: ' wp-content/debug.log | grep -c auth_cookie_expired", 'wp user session list {user}'] } },
    { id: 'wp-cookie-expired-nonce', cause: 'nonce_expired', tier: 'stated', needs: 'error_log', when: { status: 403, signal: ['wp_cookie_expired'] }, confidence: 'proven', layer: 'event',
      evidence: 'WordPress reported an expired login cookie; the nonce sent with it was then checked as logged out and failed',
      fix: 'The login session of "{user}" expired, so the page\'s nonce failed too: log in again and reload the page.',
      doctor: { title: 'Expired WordPress sessions make nonces fail', confirm: ["grep 'authlog: ' wp-content/debug.log | grep -c auth_cookie_expired"] } },
    { id: 'wp-cookie-invalid', cause: 'bad_credentials', tier: 'stated', needs: 'error_log', when: { status: 401, signal: ['wp_cookie_invalid'] }, confidence: 'proven', layer: 'event',
      evidence: 'WordPress rejected the login cookie (bad hash, unknown session token, unknown user or malformed)',
      fix: 'The login cookie of "{user}" is no longer valid (password changed, logged out elsewhere, or salts rotated): log in again.',
      doctor: { title: 'WordPress login cookies are no longer valid', confirm: ['wp user session list {user}', "grep 'authlog: ' wp-content/debug.log | grep -c auth_cookie_bad"] } },
    { id: 'wp-cookie-invalid-nonce', cause: 'nonce_expired', tier: 'stated', needs: 'error_log', when: { status: 403, signal: ['wp_cookie_invalid'] }, confidence: 'proven', layer: 'event',
      evidence: 'WordPress rejected the login cookie; the nonce sent with it then failed',
      fix: 'The login cookie of "{user}" is no longer valid, so the nonce failed too: log in again and reload the page.',
      doctor: { title: 'Invalid WordPress cookies make nonces fail', confirm: ['wp user session list {user}'] } },

    // The endpoints' signatures in the access log.
    { id: 'wp-ajax-nonce', cause: 'nonce_expired', tier: 'endpoint', needs: 'access_log', when: { status: 403, path: WP_AJAX, bytes: AJAX_NONCE_BODY_BYTES }, confidence: 'heuristic', layer: 'wordpress',
      evidence: 'admin-ajax.php answered 403 with the 2-byte body "-1": check_ajax_referer() refused the nonce',
      fix: 'The page that made this admin-ajax call holds a stale nonce (older than nonce_life, default 24 h, or from another session): reload the page; if pages are cached, exclude them from the cache.',
      doctor: { title: 'WordPress admin-ajax refuses stale nonces', confirm: ["grep 'admin-ajax.php' {access} | awk '$9 == 403 && $10 == 2' | wc -l", 'curl -s -o /dev/null -w "%{http_code}" -X POST {url}'] } },
    { id: 'wp-rest-nonce', cause: 'nonce_expired', tier: 'endpoint', needs: 'access_log', when: { status: 403, path: WP_REST, bytes: REST_NONCE_BODY_BYTES }, confidence: 'heuristic', layer: 'wordpress',
      evidence: 'the REST API answered 403 with a body the size of rest_cookie_invalid_nonce ("Cookie check failed")',
      fix: 'The X-WP-Nonce sent to {path} is stale or belongs to another session: reload wp-admin to get a fresh nonce; do not cache pages that embed wpApiSettings.nonce.',
      doctor: { title: 'WordPress REST calls carry a stale nonce', confirm: ["grep 'wp-json' {access} | awk '$9 == 403' | wc -l", "curl -s -X POST -H 'X-WP-Nonce: 0' {url}"] } },
    { id: 'wp-rest-basic-refused', cause: 'bad_credentials', tier: 'endpoint', needs: 'access_log', when: { status: 401, path: WP_REST, user: 'present' }, confidence: 'heuristic', layer: 'wordpress',
      evidence: 'Basic credentials (an application password) were sent to the REST API and refused',
      fix: 'The application password of "{user}" was refused: check it under Users → Profile → Application Passwords, and that the site is reached over HTTPS (WordPress ignores application passwords over plain HTTP).',
      doctor: { title: 'WordPress refuses an application password', confirm: ['curl -v -u {user}:APPLICATION_PASSWORD https://{host}/wp-json/wp/v2/users/me'] } },
    { id: 'wp-rest-token-rejected', cause: 'token_rejected', tier: 'endpoint', needs: 'access_log', when: { status: 401, path: WP_REST, user: 'absent', tag: 'previously_ok', priorBasic: false, workedForMs: WORKED_FOR_MS }, confidence: 'heuristic', layer: 'wordpress',
      evidence: 'this client used the REST endpoint successfully without Basic auth before: its token or cookie is no longer accepted',
      fix: 'The token or login cookie {ip} uses for {path} stopped working (expired, revoked or rotated): issue a new one to the client.',
      doctor: { title: 'A WordPress API client\'s token stopped working', confirm: ["curl -v -H 'Authorization: Bearer TOKEN' {url}"] } },
    { id: 'wp-rest-anonymous', cause: 'no_credentials', tier: 'endpoint', needs: 'access_log', when: { status: 401, path: WP_REST, user: 'absent' }, confidence: 'heuristic', layer: 'wordpress',
      evidence: 'the REST API treated the request as logged out: no credentials and no X-WP-Nonce reached WordPress',
      fix: 'Send credentials to {path}: an application password (Basic auth over HTTPS), or the X-WP-Nonce header with the login cookie. Behind a proxy or PHP-FPM, check the Authorization header is passed through.',
      doctor: { title: 'WordPress REST calls arrive logged out', confirm: ['curl -s https://{host}/wp-json/wp/v2/users/me', "grep -n 'HTTP_AUTHORIZATION\\|CGIPassAuth' /etc/apache2/ -r /etc/nginx/ -r"] } },
  ],
} satisfies Family;
