/**
 * What an expert would check next, as data: for each rule and each tag, a title, and the
 * exact commands that confirm the finding. Templates are filled from the example request.
 */
export interface Play {
  title: string;
  confirm: string[];
}

/** Keyed by rule id (src/classify/rules.ts). */
export const RULE_PLAYS: Record<string, Play> = {
  'user-not-found': { title: 'Clients log in as a user the user file does not have', confirm: ['grep -c ^{user:re}: {file}', 'curl -v -u {user} {url}'] },
  'password-mismatch': { title: 'A known user sends the wrong password', confirm: ['htpasswd -v {file} {user}', 'curl -v -u {user} {url}'] },
  'pam-failure': { title: 'PAM refuses the credentials', confirm: ['curl -v -u {user} {url}', 'journalctl -u nginx --since today | grep PAM'] },
  'no-credentials-logged': { title: 'Clients send no credentials', confirm: ["curl -sv {url} -o /dev/null 2>&1 | grep -i '^< www-authenticate'", 'curl -v -u USER {url}'] },
  'wrong-scheme': { title: 'Clients send a token where Basic auth is configured', confirm: ["curl -v -H 'Authorization: Bearer TOKEN' {url}", 'curl -v -u USER {url}'] },
  'digest-nonce-expired': { title: 'Digest nonces expire before clients use them', confirm: ['curl -v --digest -u {user} {url}', "grep -rn 'AuthDigestNonceLifetime' /etc/apache2/"] },
  'authz-denied-401': { title: 'A known user is not allowed by the Require rules', confirm: ["grep -rn 'Require' /etc/apache2/sites-enabled/ /etc/apache2/conf-enabled/", 'curl -v -u {user} {url}'] },
  'auth-file-missing': { title: 'The server\'s user file is missing', confirm: ['ls -l {file}', "nginx -T 2>/dev/null | grep -n 'auth_basic_user_file'"] },
  'credentials-refused': { title: 'Credentials are refused (unknown user or wrong password: the server does not say which)', confirm: ['htpasswd -v FILE {user}', 'curl -v -u {user} {url}'] },
  'modsecurity-denied': { title: 'ModSecurity blocks these requests', confirm: ["grep -n 'ModSecurity: Access denied' {errorlog} | tail", "grep -rn 'SecRuleEngine\\|SecRuleRemoveById' /etc/modsecurity/ /etc/nginx/ /etc/apache2/"] },
  'haproxy-auth': { title: 'HAProxy\'s own auth refuses these clients', confirm: ["grep -n 'http-request auth\\|userlist' /etc/haproxy/haproxy.cfg", 'curl -v {url}'] },
  // curl only: Windows ships it, and the quoting is POSIX (a cmd or PowerShell line quotes otherwise).
  'iis-logon-failed': { title: 'Windows refuses the logon (unknown user or bad password)', confirm: ['curl -v --ntlm -u {user} {url}'] },
  'iis-account-refused': { title: 'Windows refuses the account itself (expired, locked, disabled)', confirm: ['curl -v --ntlm -u {user} {url}'] },
  'iis-no-credentials': { title: 'Clients send no credentials the IIS site accepts', confirm: ['curl -v --negotiate -u : {url}', 'curl -sI {url}'] },
  'iis-acl': { title: 'NTFS permissions refuse an authenticated user', confirm: ['curl -v --ntlm -u {user} {url}'] },
  'iis-forbidden': { title: 'IIS refuses these requests (403 with a substatus)', confirm: ['curl -v {url}'] },
  'bearer-invalid-token': { title: 'Clients\' access tokens are refused as invalid_token (expired, revoked)', confirm: ["curl -sv -H 'Authorization: Bearer TOKEN' {url} -o /dev/null 2>&1 | grep -i '^< www-authenticate'"] },
  'bearer-invalid-request': { title: 'Clients send their token in a malformed way (invalid_request)', confirm: ["curl -sv -H 'Authorization: Bearer TOKEN' {url} -o /dev/null 2>&1 | grep -i '^< www-authenticate'"] },
  'bearer-insufficient-scope': { title: 'Valid tokens lack the scope (insufficient_scope)', confirm: ["curl -sv -H 'Authorization: Bearer TOKEN' {url} -o /dev/null 2>&1 | grep -i '^< www-authenticate'"] },
  'forbidden-rule': { title: 'A server rule refuses these clients', confirm: ["nginx -T 2>/dev/null | grep -nE '\\b(deny|allow)\\b'", 'curl -v {url}'] },
  'wp-ajax-nonce': { title: 'WordPress admin-ajax refuses stale nonces', confirm: ["grep 'admin-ajax.php' {access} | awk '$9 == 403 && $10 == 2' | wc -l", 'curl -s -o /dev/null -w "%{http_code}" -X POST {url}'] },
  'wp-rest-nonce': { title: 'WordPress REST calls carry a stale nonce', confirm: ["grep 'wp-json' {access} | awk '$9 == 403' | wc -l", "curl -s -X POST -H 'X-WP-Nonce: 0' {url}"] },
  'wp-rest-basic-refused': { title: 'WordPress refuses an application password', confirm: ['curl -v -u {user}:APPLICATION_PASSWORD https://{host}/wp-json/wp/v2/users/me'] },
  'wp-rest-token-rejected': { title: 'A WordPress API client\'s token stopped working', confirm: ["curl -v -H 'Authorization: Bearer TOKEN' {url}"] },
  'wp-rest-anonymous': { title: 'WordPress REST calls arrive logged out', confirm: ['curl -s https://{host}/wp-json/wp/v2/users/me', "grep -n 'HTTP_AUTHORIZATION\\|CGIPassAuth' /etc/apache2/ -r /etc/nginx/ -r"] },
  'token-stopped-working': { title: 'A client\'s token or key stopped working', confirm: ["curl -v -H 'Authorization: Bearer TOKEN' {url}", "grep '^{ip:re} ' {access} | awk '{print $4, $9}' | uniq -c -f1 | tail"] },
  'user-refused': { title: 'Credentials are sent and refused (the error log does not say why)', confirm: ['htpasswd -v FILE {user}', 'grep -nF {user} {errorlog} | tail'] },
  'no-user': { title: 'Clients send no credentials', confirm: ["curl -sv {url} -o /dev/null 2>&1 | grep -i '^< www-authenticate'", "grep ' 401 ' {access} | awk '$3 == \"-\"' | wc -l"] },
  'unlogged-user': { title: 'The log format hides whether credentials were sent', confirm: ["nginx -T 2>/dev/null | grep -n 'log_format'"] },
  'wp-user-not-found': { title: 'WordPress has no such user', confirm: ['wp user get {user} --field=user_login', "grep 'authlog: ' wp-content/debug.log | grep -c invalid_username"] },
  'wp-password-mismatch': { title: 'WordPress refuses a password or application password', confirm: ['wp user application-password list {user}', 'curl -v -u {user}:APPLICATION_PASSWORD https://{host}/wp-json/wp/v2/users/me'] },
  'wp-app-passwords-disabled': { title: 'Application passwords are disabled', confirm: ["wp eval 'var_dump( wp_is_application_passwords_available() );'", 'wp plugin list --status=active'] },
  'wp-login-failed': { title: 'WordPress refuses the credentials', confirm: ['wp user get {user}', `grep 'authlog: ' wp-content/debug.log | grep -F '"user":"{user}"' | tail`] },
  'wp-nonce-failed-403': { title: 'WordPress refuses stale nonces', confirm: [`grep 'authlog: ' wp-content/debug.log | grep -c invalid_nonce`, `wp eval 'echo apply_filters( "nonce_life", DAY_IN_SECONDS );'`] },
  'wp-nonce-failed-401': { title: 'WordPress refuses stale nonces and treats the caller as logged out', confirm: ["grep 'authlog: ' wp-content/debug.log | grep -c invalid_nonce"] },
  'wp-cookie-expired': { title: 'WordPress login sessions expire', confirm: ["grep 'authlog: ' wp-content/debug.log | grep -c auth_cookie_expired", 'wp user session list {user}'] },
  'wp-cookie-expired-nonce': { title: 'Expired WordPress sessions make nonces fail', confirm: ["grep 'authlog: ' wp-content/debug.log | grep -c auth_cookie_expired"] },
  'wp-cookie-invalid': { title: 'WordPress login cookies are no longer valid', confirm: ['wp user session list {user}', "grep 'authlog: ' wp-content/debug.log | grep -c auth_cookie_bad"] },
  'wp-cookie-invalid-nonce': { title: 'Invalid WordPress cookies make nonces fail', confirm: ['wp user session list {user}'] },
  forbidden: { title: 'The server refuses these requests (403)', confirm: ['curl -v {url}', "grep -n 'forbidden\\|denied' {errorlog} | tail"] },
};

export interface SymptomPlay extends Play {
  likelyCause: string;
  fix: string;
}

/** Keyed by tag. */
export const TAG_PLAYS: Record<string, SymptomPlay> = {
  no_www_authenticate: {
    title: '401s without a WWW-Authenticate header',
    likelyCause: 'the application answers 401 without saying how to authenticate (breaks the HTTP spec)',
    fix: 'Make the upstream send WWW-Authenticate with its 401 (or add_header WWW-Authenticate \'Basic realm="…"\' always; in nginx).',
    confirm: ["curl -sI {url} | grep -i '^www-authenticate'"],
  },
  plain_http: {
    title: '401s over plain http on a site that works over https',
    likelyCause: 'Secure cookies are not sent over http, and WordPress ignores application passwords there',
    fix: 'Redirect http to https (return 301 https://$host$request_uri;) and fix the client\'s URL.',
    confirm: ['curl -sI http://{host}{path}', 'curl -sI https://{host}{path}'],
  },
  intermittent: {
    title: 'Clients that alternate between success and 401 over hours',
    likelyCause: 'a session, nonce or token lifetime, not a wrong password',
    fix: 'Compare the time between success and failure with the session/token lifetime; refresh tokens before expiry.',
    confirm: ["grep '^{ip:re} ' {access} | awk '{print $4, $9}'"],
  },
  proxy_strip_suspect: {
    title: 'Basic credentials sent, but the upstream answers 401',
    likelyCause: 'the proxy does not pass the Authorization header upstream (or PHP-FPM/CGI drops it)',
    fix: 'Pass it on: proxy_set_header Authorization $http_authorization; (nginx), CGIPassAuth On (Apache), or SetEnvIf Authorization for PHP-FPM.',
    confirm: ["nginx -T 2>/dev/null | grep -n 'proxy_set_header\\|proxy_pass'", 'curl -v -u {user} {url}'],
  },
  brute_force: {
    title: 'Password guessing',
    likelyCause: 'a client trying many passwords or user names',
    fix: 'Ban it: enable fail2ban\'s nginx-http-auth (or apache-auth) jail, or limit_req on the protected location.',
    confirm: ["grep -c '^{ip:re} ' {access}", 'fail2ban-client status nginx-http-auth'],
  },
  monitor: {
    title: 'An uptime monitor gets 401s',
    likelyCause: 'the monitor checks a protected URL without credentials: noise, not an attack',
    fix: 'Give the monitor credentials or point it at a health URL outside auth, then mark it expected.',
    confirm: ['grep -cF {ua} {access}'],
  },
  automation: {
    title: 'Scripts and cron jobs get 401s',
    likelyCause: 'a script or cron job lost or never had its credentials',
    fix: 'Find the job by its user agent and client address and give it valid credentials (curl -u, an Authorization header).',
    confirm: ["grep -F {ua} {access} | awk '{print $1}' | sort | uniq -c | sort -rn | head"],
  },
};

/** Symptom tags shown in the report's "symptom → likely cause → fix" table. */
export const SYMPTOM_TAGS = ['no_www_authenticate', 'plain_http', 'intermittent', 'proxy_strip_suspect', 'monitor', 'automation', 'brute_force'] as const;
