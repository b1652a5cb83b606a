/**
 * HTTP authentication by the server itself (Basic, Digest, PAM; nginx, Apache, lighttpd):
 * the user file or the account database says who the client is not.
 */
import type { EventFormat, Family } from './types.js';

const NGINX: EventFormat[] = ['nginx-error'];
const APACHE: EventFormat[] = ['apache-error'];
const LIGHTTPD: EventFormat[] = ['lighttpd-error'];
const WP_FAIL2BAN: EventFormat[] = ['wp-fail2ban'];

export const httpAuth = {
  name: 'http-auth',
  causes: {
    no_credentials: {
      statuses: [401],
      color: '#7f8c8d',
      summary: 'no credentials were sent (often the first leg of a browser\'s prompt-and-retry)',
      provenBy: 'nginx `no user/password was provided` (info level), Apache AH01629, IIS 401.2, WordPress `empty_username`',
      heuristic: '`$remote_user` is `-`; REST API 401 without credentials; an OPTIONS (a browser\'s CORS preflight, which never carries them)',
    },
    user_not_found: {
      statuses: [401],
      color: '#8e44ad',
      summary: 'the user name sent is not in the user file (or WordPress has no such user)',
      provenBy: 'nginx `user "X" was not found in "FILE"`, Apache AH01618 / AH01790, Apache LDAP AH01695 `[User not found]`, lighttpd `get_password failed`, WordPress `invalid_username`',
      heuristic: '—',
    },
    password_mismatch: {
      statuses: [401],
      color: '#c0392b',
      summary: 'the user exists and the password sent is wrong',
      provenBy: 'nginx `user "X": password mismatch`, Apache AH01617 / AH01792 / AH01794 (Digest), Apache LDAP AH01695 `[Invalid credentials]`, lighttpd Digest `wrong password`, WordPress `incorrect_password`',
      heuristic: '—',
    },
    bad_credentials: {
      statuses: [401],
      color: '#d35400',
      summary: 'credentials were sent and refused, without the log saying whether the user or the password was wrong (or the account itself is refused)',
      provenBy: 'lighttpd `password doesn\'t match for PATH username: X` (written for unknown users too, seen on a real lighttpd 1.4.69), Apache Digest AH01788 / AH01789 / AH01793 (an answer for another realm, algorithm or qop), PAM `not authenticated` / `invalid account` (the PAM modules of nginx and Apache), Apache AH01631 (known user, not allowed), IIS 401.1 + 1326 (unknown user or bad password: Windows does not say which), 401.1 + 1909/1330/1331/… (the account itself), 401.3 (NTFS ACL); a logged Bearer challenge with `error="invalid_request"`',
      heuristic: 'a user was sent and refused; application password refused on `/wp-json/`',
    },
    unknown: {
      statuses: [401],
      color: '#95a5a6',
      summary: 'the log cannot tell (the format does not record the user, or HAProxy answered itself)',
      provenBy: '—',
      heuristic: 'the log format does not record `$remote_user`; HAProxy\'s own `http-request auth` (`<NOSRV>`)',
    },
  },
  signals: {
    no_credentials: {
      meaning: 'the request carried no credentials',
      statuses: [401],
      patterns: [
        { formats: NGINX, re: /^no user\/password was provided for basic authentication$/, samples: ['no user/password was provided for basic authentication'],
          negatives: ['no live upstreams while connecting to upstream'] },
        { formats: APACHE, re: /^authorization failure \(no authenticated user\): (.*)$/, object: 1, samples: ['authorization failure (no authenticated user): /private/'] },
        { formats: WP_FAIL2BAN, re: /^Empty username$/, samples: ['Empty username'] },
      ],
    },
    user_not_found: {
      meaning: 'the user is not in the user file',
      statuses: [401], credentialsSent: true,
      patterns: [
        { formats: NGINX, re: /^user "(.*)" was not found in "([^"]*)"$/, user: 1, object: 2, objectIsUserFile: true, samples: ['user "xyz" was not found in "/var/www/.htpasswd"'],
          negatives: ['open() "/var/www/.htpasswd" failed (2: No such file or directory)'] },
        // The realm form first: the plain form would take "`user' in realm `realm'" for the user (AH01790).
        { formats: APACHE, re: /^(?:Digest: )?user `(.*)' in realm `(.*)' not found(?:: (.*))?$/, user: 1, object: 3, samples: ['Digest: user `username\' in realm `digest private area\' not found: /digest/', 'user `user_test\' in realm `home.me\' not found: /'] },
        // mod_authnz_ldap (AH01695): the search found no entry for the user (util_ldap's reason).
        { formats: APACHE, re: /^(?:\[\d+\] )?auth_ldap authenticate: user (.*) authentication failed; URI (.*) \[User not found\]\[[^\]]*\]( \(not authoritative\))?$/, user: 1, object: 2,
          samples: ['auth_ldap authenticate: user bob authentication failed; URI /private/ [User not found][No such object]'],
          negatives: ['auth_ldap authenticate: user bob authentication failed; URI /private/ [LDAP: ldap_simple_bind() failed][Can\'t contact LDAP server]'] },
        // 2.2 writes it without the path too: "[client 192.168.0.2] user root not found"
        { formats: APACHE, re: /^user (?!`)(.*) not found(?:: (.*))?$/, user: 1, object: 2, samples: ['user gg not found: /', 'user root not found'],
          // fail2ban apache-auth's "DoS vector" line: a requested path carrying the words
          negatives: ['File does not exist: /var/www/user root not found'] },
        // lighttpd (mod_auth) does not say which user: it is not in the user file, or the file cannot be read
        { formats: LIGHTTPD, re: /^get_password failed$/, samples: ['get_password failed'] },
      ],
    },
    password_mismatch: {
      meaning: 'the user exists and the password is wrong',
      statuses: [401], credentialsSent: true,
      patterns: [
        { formats: NGINX, re: /^user "(.*)": password mismatch$/, user: 1, samples: ['user "scribendio": password mismatch'] },
        // Apache 2.4 (with AH code) and 2.2 (without) share the message texts.
        { formats: APACHE, re: /^user (.*): authentication failure for "(.*)": Password Mismatch$/, user: 1, object: 2, samples: ['user username: authentication failure for "/basic/file": Password Mismatch'],
          negatives: ['user bob: authorization failure for "/admin/": '] },
        { formats: APACHE, re: /^(?:Digest: )?user (.*): password mismatch: (.*)$/, user: 1, object: 2, samples: ['Digest: user alice: password mismatch: /digest/'] },
        { formats: LIGHTTPD, re: /^digest: auth failed for\s+(.*?)\s*: (?:wrong password|uid mismatch)/, user: 1, samples: ['digest: auth failed for  xxx : wrong password'] },
        // mod_authnz_ldap (AH01695): the user's bind with the password sent failed. The second
        // sample is a real line quoted on a mailing list (2005, mod_auth_ldap with its pid).
        { formats: APACHE, re: /^(?:\[\d+\] )?auth_ldap authenticate: user (.*) authentication failed; URI (.*) \[ldap_simple_bind(?:_s)?\(\) to check user credentials failed\]\[Invalid credentials\]( \(not authoritative\))?$/, user: 1, object: 2,
          samples: ['auth_ldap authenticate: user bob authentication failed; URI /private/ [ldap_simple_bind() to check user credentials failed][Invalid credentials]', '[30790] auth_ldap authenticate: user rharvey authentication failed; URI /blerk/ [ldap_simple_bind_s() to check user credentials failed][Invalid credentials]'] },
      ],
    },
    pam_failure: {
      meaning: 'PAM refused the credentials',
      statuses: [401], credentialsSent: true,
      patterns: [
        // ngx_http_auth_pam_module and Apache's mod_auth_pam (two spaces before the dash): the
        // password (pam_authenticate) or, after a good one, the account (pam_acct_mgmt: expired, locked).
        { formats: [...NGINX, ...APACHE], re: /^PAM: user '(.*)'\s+- (?:not authenticated|invalid account): (.*)$/, user: 1, object: 2,
          samples: ['PAM: user \'bob\' - not authenticated: Authentication failure', 'PAM: user \'bob\' - invalid account: User account has expired', 'PAM: user \'bob\'  - invalid account: Authentication failure'],
          negatives: ['PAM: Success'] },
      ],
    },
    credentials_refused: {
      meaning: 'credentials refused, the server not saying whether the user or the password was wrong',
      statuses: [401], credentialsSent: true,
      patterns: [
        // lighttpd (mod_auth; the client address is split off by the parser). Written for an
        // unknown user too (seen on a real 1.4.69).
        { formats: LIGHTTPD, re: /^password doesn't match for (\S+) username: (.*)$/, user: 2, object: 1, samples: ['password doesn\'t match for /gitweb/ username: francois'],
          negatives: ['digest: auth failed for  xxx : wrong password'] },
      ],
    },
    nonce_expired: {
      meaning: 'a Digest nonce expired (or a one-time nonce was used again)',
      statuses: [401], credentialsSent: true,
      patterns: [
        // 2.4 (AH01778, AH01779) and 2.2 (with "Digest: "); a one-time nonce used twice (AuthDigestNonceLifetime 0) too.
        { formats: APACHE, re: /^(?:Digest: )?user (.*): (?:nonce expired \([\d.]+ seconds old|one-time-nonce mismatch - sending new nonce)/, user: 1,
          samples: ['user ivan: nonce expired (87.93 seconds old - max lifetime 60) - sending new nonce', 'Digest: user ivan: nonce expired (87.93 seconds old - max lifetime 60.00) - sending new nonce', 'user ivan: one-time-nonce mismatch - sending new nonce'],
          // AH01775, a forged or foreign nonce: not an expired one
          negatives: ['Digest: invalid nonce JJd5ZNlLBQA=a3f4f4b0d1c3d6a4 received - hash is not 4d9dc0b64fee0a0d3f9d5b4a0c8e4c1b'] },
      ],
    },
    nonce_foreign: {
      meaning: 'a Digest nonce this server did not make (made before a restart, by another server behind the balancer, from the future, or forged)',
      statuses: [401], credentialsSent: true,
      patterns: [
        // AH01775 (its length; 2.4.50+ quotes the nonce and names the time encoding), AH01776
        // (its hash: the secret is made at each start), AH01777 (from the future); 2.2 with
        // "Digest: ". Apache answers each like an expired nonce (stale=true): browsers retry.
        { formats: APACHE, re: /^(?:Digest: )?invalid nonce '?\S*?'? received - (?:length is not \d+|hash is not \S+|user attempted time travel)/,
          samples: [
            'Digest: invalid nonce JDiBAA=db9372522295196b7ac31db99e10cd1106c received - length is not 52',
            'invalid nonce b9YAiJDiBAZZZ1b1abe02d20063ea3b16b544ea1b0d981c1bafe received - hash is not d42d824dee7aaf50c3ba0a7c6290bd453e3dd35b',
            'invalid nonce 59QJppTiBAA=b08983fd166ade9840407df1b0f75b9e6e07d88d received - user attempted time travel',
            "invalid nonce 'JDiBAA=db93' received - length is not 52 or time encoding is incorrect",
          ],
          negatives: ['user ivan: nonce expired (87.93 seconds old - max lifetime 60) - sending new nonce'] },
      ],
    },
    digest_mismatch: {
      meaning: 'a Digest answer that does not fit the challenge (another realm, an algorithm or qop the server does not offer)',
      statuses: [401], credentialsSent: true,
      patterns: [
        // AH01788, AH01789, AH01793 (2.4) and their 2.2 forms with "Digest: " (fail2ban's test logs).
        { formats: APACHE, re: /^(?:Digest: )?realm mismatch - got `(.*)' but expected `(.*)'$/,
          samples: ["Digest: realm mismatch - got `so far away' but expected `digest private area'", "realm mismatch - got `so far away' but expected `digest private area'"] },
        { formats: APACHE, re: /^(?:Digest: )?(?:unknown algorithm|invalid qop) `(.*)' received: (.*)$/, object: 2,
          samples: ["Digest: unknown algorithm `super funky chicken' received: /digest/", "unknown algorithm `super funky chicken' received: /digest/", "invalid qop `auth' received: /digest/qop_none/"],
          negatives: ['client used wrong authentication scheme: /basic/file'] },
      ],
    },
  },
  rules: [
    { id: 'user-not-found', cause: 'user_not_found', tier: 'stated', needs: 'error_log', when: { status: 401, signal: ['user_not_found'] }, confidence: 'proven', layer: 'event',
      evidence: 'the server logged that the user does not exist',
      fix: 'User "{user}" is not in {file}: add it (`htpasswd {fileArg} {user}`) or correct the user name the client sends.',
      doctor: { title: 'Clients log in as a user the user file does not have', confirm: ['grep -c ^{user:re}: {file}', 'curl -v -u {user} {url}'] } },
    { id: 'password-mismatch', cause: 'password_mismatch', tier: 'stated', needs: 'error_log', when: { status: 401, signal: ['password_mismatch'] }, confidence: 'proven', layer: 'event',
      evidence: 'the server logged a password mismatch',
      fix: 'The password sent for "{user}" does not match {file}: reset it (`htpasswd {fileArg} {user}`) or update the password stored in the client.',
      doctor: { title: 'A known user sends the wrong password', confirm: ['htpasswd -v {file} {user}', 'curl -v -u {user} {url}'] } },
    { id: 'pam-failure', cause: 'bad_credentials', tier: 'stated', needs: 'error_log', when: { status: 401, signal: ['pam_failure'] }, confidence: 'proven', layer: 'event',
      evidence: 'PAM refused the credentials',
      fix: 'PAM refused "{user}" ({object}): check the account and password in the PAM service nginx uses.',
      doctor: { title: 'PAM refuses the credentials', confirm: ['curl -v -u {user} {url}', 'journalctl -u nginx --since today | grep PAM'] } },
    { id: 'no-credentials-logged', cause: 'no_credentials', tier: 'stated', needs: 'error_log', when: { status: 401, signal: ['no_credentials'] }, confidence: 'proven', layer: 'event',
      evidence: 'the server logged that no credentials were sent',
      fix: 'No credentials were sent for {path}: configure the client to send them; a browser will prompt and retry.',
      doctor: { title: 'Clients send no credentials', confirm: ["curl -sv {url} -o /dev/null 2>&1 | grep -i '^< www-authenticate'", 'curl -v -u USER {url}'] } },
    { id: 'digest-nonce-expired', cause: 'nonce_expired', tier: 'stated', needs: 'error_log', when: { status: 401, signal: ['nonce_expired'] }, confidence: 'proven', layer: 'event',
      evidence: 'the server logged that the Digest nonce expired',
      fix: 'The Digest nonce of "{user}" expired; the client should retry with the new nonce. If it keeps failing, raise AuthDigestNonceLifetime.',
      doctor: { title: 'Digest nonces expire before clients use them', confirm: ['curl -v --digest -u {user} {url}', "grep -rn 'AuthDigestNonceLifetime' /etc/apache2/"] } },
    { id: 'digest-nonce-foreign', cause: 'nonce_expired', tier: 'stated', needs: 'error_log', when: { status: 401, signal: ['nonce_foreign'] }, confidence: 'proven', layer: 'event',
      evidence: 'the server logged a Digest nonce it did not make',
      fix: 'Apache refused a Digest nonce it did not make: one from before its last restart (the browser retries with the new one: nothing to do), from another server behind the same balancer (pin each client to one server), or forged (if one client keeps sending them).',
      doctor: { title: 'Digest nonces this server did not make', confirm: ["grep -c 'invalid nonce' {errorlog}", 'curl -v --digest -u USER {url}'] } },
    { id: 'digest-answer-mismatch', cause: 'bad_credentials', tier: 'stated', needs: 'error_log', when: { status: 401, signal: ['digest_mismatch'] }, confidence: 'proven', layer: 'event',
      evidence: 'the server logged a Digest answer that does not fit its challenge',
      fix: 'The client\'s Digest answer for {path} does not fit this server: it answered another realm, or with an algorithm or qop the server does not offer. Check the AuthName and the client\'s Digest support (`curl --digest` works), or use Basic over HTTPS.',
      doctor: { title: 'Digest answers that do not fit the challenge', confirm: ["grep -rn 'AuthName\\|AuthDigestAlgorithm\\|AuthDigestQop' /etc/apache2/", 'curl -v --digest -u USER {url}'] } },
    { id: 'authz-denied-401', cause: 'bad_credentials', tier: 'stated', needs: 'error_log', when: { status: 401, signal: ['authz_denied'] }, confidence: 'proven', layer: 'event',
      evidence: 'the user authenticated but the Require rules refused it',
      fix: '"{user}" is known but not allowed on {object}: add it to the Require user/group for that path, or set AuthzSendForbiddenOnFailure On to answer 403.',
      doctor: { title: 'A known user is not allowed by the Require rules', confirm: ["grep -rn 'Require' /etc/apache2/sites-enabled/ /etc/apache2/conf-enabled/", 'curl -v -u {user} {url}'] } },
    { id: 'credentials-refused', cause: 'bad_credentials', tier: 'stated', needs: 'error_log', when: { status: 401, signal: ['credentials_refused'] }, confidence: 'proven', layer: 'event',
      evidence: 'the server refused the credentials without saying whether the user or the password was wrong',
      fix: 'The credentials of "{user}" were refused on {path}: the user is not in the user file or its password is wrong (the server does not say which). Check both: grep for the user in the user file, then htpasswd -v FILE {user}.',
      doctor: { title: 'Credentials are refused (unknown user or wrong password: the server does not say which)', confirm: ['htpasswd -v FILE {user}', 'curl -v -u {user} {url}'] } },

    // What the access log alone shows.
    { id: 'user-refused', cause: 'bad_credentials', tier: 'access', needs: 'access_log', when: { status: 401, user: 'present' }, confidence: 'heuristic', layer: 'upstream',
      evidence: 'the access log shows credentials were sent (the user name, or an Authorization header whose value the server withheld) and refused (no error-log line says why)',
      fix: 'Credentials for "{user}" were refused on {path}: check the user exists and its password (`htpasswd -v FILE {user}`); read the error log at the same time to learn which.',
      doctor: { title: 'Credentials are sent and refused (the error log does not say why)', confirm: ['htpasswd -v FILE {user}', 'grep -nF {user} {errorlog} | tail'] } },
    // A browser's CORS preflight never carries credentials (Fetch standard): where auth covers
    // OPTIONS, every preflight is refused and the request it asks for is never sent.
    { id: 'cors-preflight', cause: 'no_credentials', tier: 'access', needs: 'access_log', when: { status: 401, method: /^OPTIONS$/ }, confidence: 'heuristic', layer: 'upstream',
      evidence: 'an OPTIONS request without a user: a browser\'s CORS preflight, which never carries credentials',
      fix: 'Browsers send the CORS preflight (OPTIONS) for {path} without credentials, so auth on it refuses them all and the request they ask for is never sent: answer OPTIONS before auth (nginx: `if ($request_method = OPTIONS) { return 204; }` with the CORS headers; Apache: `<LimitExcept OPTIONS> Require valid-user </LimitExcept>`).',
      doctor: { title: 'CORS preflights (OPTIONS) are refused by auth', confirm: ["curl -sv -X OPTIONS -H 'Origin: https://example.com' -H 'Access-Control-Request-Method: GET' {url} -o /dev/null 2>&1 | grep '^< HTTP'", "grep -c '\"OPTIONS ' {access}"] } },
    { id: 'no-user', cause: 'no_credentials', tier: 'access', needs: 'access_log', when: { status: 401, user: 'absent' }, confidence: 'heuristic', layer: 'upstream',
      evidence: 'the access log shows no user (-): no credentials were sent',
      fix: 'No credentials were sent for {path}: configure the client to send them (a browser prompts and retries; a script needs -u USER or an Authorization header).',
      doctor: { title: 'Clients send no credentials', confirm: ["curl -sv {url} -o /dev/null 2>&1 | grep -i '^< www-authenticate'", "grep ' 401 ' {access} | awk '$3 == \"-\"' | wc -l"] } },
    // HAProxy answered itself (server <NOSRV>): its http-request auth; the default log has no user.
    { id: 'haproxy-auth', cause: 'unknown', tier: 'fallback', needs: 'access_log', when: { status: 401, extra: { server: /^<NOSRV>$/ } }, confidence: 'heuristic', layer: 'upstream',
      evidence: 'HAProxy answered the 401 itself (server <NOSRV>: http-request auth); its log does not say whether credentials came',
      fix: 'HAProxy\'s http-request auth refused {ip} on {path}. To tell a missing password from a wrong one, log whether the header came: http-request capture req.hdr(authorization),length len 4 in the frontend.',
      doctor: { title: 'HAProxy\'s own auth refuses these clients', confirm: ["grep -n 'http-request auth\\|userlist' /etc/haproxy/haproxy.cfg", 'curl -v {url}'] } },
    { id: 'unlogged-user', cause: 'unknown', tier: 'fallback', needs: 'access_log', when: { status: 401, user: 'unlogged' }, confidence: 'heuristic', layer: 'upstream',
      evidence: 'the log format does not record $remote_user, so the access log cannot tell whether credentials were sent',
      fix: 'Add $remote_user to the log_format (and keep the error log at level error) so authlog can tell the causes apart.',
      doctor: { title: 'The log format hides whether credentials were sent', confirm: ["nginx -T 2>/dev/null | grep -n 'log_format'"] } },
  ],
} satisfies Family;
