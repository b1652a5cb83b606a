/** Tokens, API keys and Bearer auth: a credential that is not a user and a password. */
import type { Family } from './types.js';

/**
 * A token or cookie said to have stopped working must have worked for this long first. Seen
 * in the lab: a browser whose REST calls succeed with cookie and nonce gets a 401 a second
 * later for a call without the nonce; nothing expired, the call lacked its credentials.
 */
export const WORKED_FOR_MS = 5 * 60_000;

const BEARER_CONFIRM = "curl -sv -H 'Authorization: Bearer TOKEN' {url} -o /dev/null 2>&1 | grep -i '^< www-authenticate'";

export const tokens = {
  name: 'tokens',
  causes: {
    token_rejected: {
      statuses: [401],
      color: '#2980b9',
      summary: 'a token, key or cookie the server used to accept is refused (expired, revoked, or the wrong scheme)',
      provenBy: 'Apache AH01614 (non-Basic scheme); a logged Bearer challenge with `error="invalid_token"`',
      heuristic: 'no Basic user, and the client succeeded on this endpoint before without one',
    },
  },
  signals: {
    wrong_scheme: {
      meaning: 'the client sent another Authorization scheme (a token) where Basic is configured',
      statuses: [401], credentialsSent: true,
      patterns: [
        // 2.4 (AH01614) and 2.2's mod_auth_digest ("Digest: client used wrong authentication scheme `Basic': /uri")
        { formats: ['apache-error'], re: /^(?:Digest: )?client used wrong authentication scheme:? `?([^']*?)'?(?:: (.*))?$/, object: 1, samples: ['client used wrong authentication scheme: /basic/', 'Digest: client used wrong authentication scheme `Basic\': /digest/'],
          negatives: ['authorization failure (no authenticated user): /private/'] },
        // lighttpd's mod_auth; and in nginx's error log (fail2ban's nginx-http-auth test log: a
        // third-party auth module, the realm after the colon).
        { formats: ['lighttpd-error', 'nginx-error'], re: /^client used invalid token: (.*)$/, object: 1, samples: ['client used invalid token: My Protected Web Application'] },
      ],
    },
  },
  rules: [
    { id: 'wrong-scheme', cause: 'token_rejected', tier: 'stated', needs: 'error_log', when: { status: 401, signal: ['wrong_scheme'] }, confidence: 'proven', layer: 'event',
      evidence: 'the client sent a non-Basic Authorization header (a token) to a Basic-auth location',
      fix: 'The client sends a token where {path} expects Basic auth: send user:password, or exempt this path from auth_basic / AuthType Basic.',
      doctor: { title: 'Clients send a token where Basic auth is configured', confirm: ["curl -v -H 'Authorization: Bearer TOKEN' {url}", 'curl -v -u USER {url}'] } },

    // The challenge the server logged ($sent_http_www_authenticate) states the cause (RFC 6750 §3.1).
    { id: 'bearer-invalid-token', cause: 'token_rejected', tier: 'challenge', needs: 'access_log', when: { status: 401, challenge: /\berror\s*=\s*"?invalid_token\b/i }, confidence: 'proven', layer: 'upstream',
      evidence: 'the server answered with a Bearer challenge saying error="invalid_token": the token is expired, revoked or malformed (RFC 6750)',
      fix: 'The access token {ip} sends to {path} was refused as invalid_token (expired, revoked or malformed): get a new token, and check the issuer and the clocks.',
      doctor: { title: 'Clients\' access tokens are refused as invalid_token (expired, revoked)', confirm: [BEARER_CONFIRM] } },
    { id: 'bearer-invalid-request', cause: 'bad_credentials', tier: 'challenge', needs: 'access_log', when: { status: 401, challenge: /\berror\s*=\s*"?invalid_request\b/i }, confidence: 'proven', layer: 'upstream',
      evidence: 'the server answered with a Bearer challenge saying error="invalid_request": the token was sent in a malformed way (RFC 6750)',
      fix: 'The request to {path} carried its token in a malformed way (a missing or repeated parameter, or more than one way of sending it): send it once, in the Authorization header.',
      doctor: { title: 'Clients send their token in a malformed way (invalid_request)', confirm: [BEARER_CONFIRM] } },
    { id: 'bearer-insufficient-scope', cause: 'forbidden', tier: 'challenge', needs: 'access_log', when: { status: 403, challenge: /\berror\s*=\s*"?insufficient_scope\b/i }, confidence: 'proven', layer: 'upstream',
      evidence: 'the server answered with a Bearer challenge saying error="insufficient_scope": the token is valid but lacks the scope this needs (RFC 6750)',
      fix: 'The token {ip} sends is valid but lacks the scope {path} needs: request a token with that scope.',
      doctor: { title: 'Valid tokens lack the scope (insufficient_scope)', confirm: [BEARER_CONFIRM] } },

    // The client's history: it worked without a Basic user, and is refused now.
    { id: 'token-stopped-working', cause: 'token_rejected', tier: 'history', needs: 'access_log', when: { status: 401, user: 'absent', tag: 'previously_ok', notTag: 'challenge', priorBasic: false, workedForMs: WORKED_FOR_MS }, confidence: 'heuristic', layer: 'upstream',
      evidence: 'this client succeeded on this endpoint before without a Basic user, and is refused now: its token or key is no longer accepted',
      fix: 'The token, key or cookie {ip} sends to {path} stopped working (expired, revoked or rotated): issue a new one, or check what changed on the server at that time.',
      doctor: { title: 'A client\'s token or key stopped working', confirm: ["curl -v -H 'Authorization: Bearer TOKEN' {url}", "grep '^{ip:re} ' {access} | awk '{print $4, $9}' | uniq -c -f1 | tail"] } },
  ],
} satisfies Family;
