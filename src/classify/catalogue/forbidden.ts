/** The server knows what is asked and refuses it: rules, Require, permissions. */
import type { Family } from './types.js';

export const forbidden = {
  name: 'forbidden',
  causes: {
    forbidden: {
      statuses: [403],
      color: '#e67e22',
      summary: 'a server rule or permission refuses the request (no other cause says which)',
      provenBy: 'nginx `access forbidden by rule` (allow/deny, `deny all` too), Apache AH01630 (a refusing Require) / AH01631 (user not allowed), `directory index … is forbidden`, WP fail2ban `Blocked …`, IIS 403.N; a logged Bearer challenge with `error="insufficient_scope"`',
      heuristic: 'any other 403',
    },
  },
  signals: {
    forbidden_rule: {
      meaning: 'a server rule refused the request',
      statuses: [403],
      patterns: [
        // ngx_http_access_module: an allow/deny refused the address; `deny all` (every address) too.
        { formats: ['nginx-error'], re: /^access forbidden by rule$/, samples: ['access forbidden by rule'],
          negatives: ['*1 access forbidden by rule, client: 1.2.3.4'] },
        { formats: ['nginx-error'], re: /^directory index of "([^"]*)" is forbidden$/, object: 1, samples: ['directory index of "/var/www/html/private/" is forbidden'] },
        { formats: ['apache-error'], re: /^client denied by server configuration: (?:uri )?(.*)$/, object: 1, samples: ['client denied by server configuration: /var/www/html/noentry/cant_get_me.html'] },
        // Apache 2.2's Options -Indexes refusal
        { formats: ['apache-error'], re: /^Directory index forbidden by (?:rule|Options directive): (.*)$/, object: 1, samples: ['Directory index forbidden by rule: /var/www/html/'] },
        { formats: ['wp-fail2ban'], re: /^Blocked (?:username )?authentication attempt for (.*)$/, user: 1, samples: ['Blocked authentication attempt for admin'] },
        { formats: ['wp-fail2ban'], re: /^Blocked user enumeration attempt$/, samples: ['Blocked user enumeration attempt'] },
      ],
    },
    authz_denied: {
      meaning: 'the user authenticated and the Require rules refused it',
      statuses: [401, 403], credentialsSent: true,
      patterns: [
        { formats: ['apache-error'], re: /^user (.*): authorization failure for "(.*)": ?$/, user: 1, object: 2, samples: ['user bob: authorization failure for "/admin/": '],
          negatives: ['user username: authentication failure for "/basic/file": Password Mismatch'] },
        { formats: ['apache-error'], re: /^Authorization of user (.*) to access (.*) failed, reason: /, user: 1, object: 2, samples: ['Authorization of user bob to access /admin/ failed, reason: user is not part of the \'require\'ed group(s).'] },
      ],
    },
  },
  rules: [
    { id: 'forbidden-rule', cause: 'forbidden', tier: 'stated', needs: 'error_log', when: { status: 403, signal: ['forbidden_rule', 'authz_denied'] }, confidence: 'proven', layer: 'event',
      evidence: 'a server rule refuses this client',
      fix: 'A rule refuses {ip} on {path}: check the allow/deny (nginx) or Require (Apache) rules for it.',
      doctor: { title: 'A server rule refuses these clients', confirm: ["nginx -T 2>/dev/null | grep -nE '\\b(deny|allow)\\b'", 'curl -v {url}'] } },
    { id: 'forbidden', cause: 'forbidden', tier: 'fallback', needs: 'access_log', when: { status: 403 }, confidence: 'heuristic', layer: 'upstream',
      evidence: 'a 403: the server understood the request and refuses it (no error-log line says which rule)',
      fix: 'The server refuses {path} for this client: check allow/deny rules, file permissions and the application\'s own permission checks.',
      doctor: { title: 'The server refuses these requests (403)', confirm: ['curl -v {url}', "grep -n 'forbidden\\|denied' {errorlog} | tail"] } },
  ],
} satisfies Family;
