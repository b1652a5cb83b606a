/**
 * What an expert would check next, as data: for each tag, a title, the likely cause, and the
 * exact commands that confirm the finding. Templates are filled from the example request.
 */
import type { Play } from '../classify/catalogue/index.js';

export type { Play } from '../classify/catalogue/index.js';
/** Each rule's entry lives with its rule in the catalogue (src/classify/catalogue/). */
export { RULE_PLAYS } from '../classify/catalogue/index.js';

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
