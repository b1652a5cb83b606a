/**
 * The parser registry: every format with its own real-format sample lines, and detection
 * from a file's first lines. Tests check each parser accepts its samples and no other
 * parser does (so detection never collides).
 */
import { apacheErrorParser } from './apache-error.js';
import { caddyParser } from './caddy.js';
import { haproxyParser } from './haproxy.js';
import { lighttpdErrorParser } from './lighttpd-error.js';
import { createW3cParser } from './w3c.js';
import { createAccessParser, LogFormatError, presetParser, type AccessPreset } from './nginx-access.js';
import { nginxErrorParser } from './nginx-error.js';
import { createJsonAccessParser } from './nginx-json.js';
import type { LogParser, ParseContext } from './types.js';
import { wordpressDebugParser } from './wordpress-debug.js';
import { wpFail2banParser } from './wp-fail2ban.js';

export * from './types.js';
export { LogFormatError } from './nginx-access.js';

/** Values `--format` accepts. `combined` also reads Apache's combined log. */
export const FORMAT_CHOICES = [
  'auto', 'combined', 'main', 'common', 'vhost_combined', 'nginx_proxy', 'lighttpd', 'traefik', 'json', 'haproxy', 'caddy', 'iis',
  'nginx-error', 'apache-error', 'lighttpd-error', 'wordpress-debug', 'wp-fail2ban',
] as const;
export type FormatChoice = (typeof FORMAT_CHOICES)[number];

export const SAMPLES: Record<string, string[]> = {
  main: [
    '203.0.113.9 - - [27/Nov/2026:10:00:01 +0000] "GET /staging/ HTTP/1.1" 401 179 "-" "Mozilla/5.0 (X11; Linux x86_64)" "-"',
    '2001:db8::7 - alice [27/Nov/2026:10:00:04 +0100] "GET /admin HTTP/2.0" 200 512 "https://example.com/" "curl/8.5.0" "198.51.100.1, 10.0.0.2"',
  ],
  combined: [
    '203.0.113.9 - bob [27/Nov/2026:10:00:04 +0000] "GET /staging/ HTTP/1.1" 401 179 "-" "Mozilla/5.0 (X11; Linux x86_64)"',
    '198.51.100.7 - - [27/Nov/2026:10:00:05 +0000] "\\x16\\x03\\x01\\x00\\xF1\\x01\\x00\\x00\\xED\\x03\\x03" 400 157 "-" "-"',
    '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
  ],
  common: [
    '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
    '192.0.2.44 - - [27/Nov/2026:10:00:05 +0000] "POST /wp-json/wp/v2/posts HTTP/1.1" 401 -',
  ],
  vhost_combined: [
    'www.example.com:443 203.0.113.9 - bob [27/Nov/2026:10:00:04 +0100] "GET /private/ HTTP/1.1" 401 381 "-" "Mozilla/5.0 (X11; Linux x86_64)"',
    'intranet.example.com:80 2001:db8::4 - - [27/Nov/2026:10:00:05 +0100] "GET / HTTP/1.1" 200 2326 "-" "curl/8.5.0"',
  ],
  nginx_proxy: [
    'example.com 203.0.113.9 - admin [27/Nov/2026:10:00:00 +0000] "GET /secure/ HTTP/1.1" 401 179 "-" "curl/8.5.0" "172.17.0.3:80"',
    'api.example.com 2001:db8::9 - - [27/Nov/2026:10:00:01 +0000] "GET / HTTP/2.0" 200 612 "-" "Mozilla/5.0 (X11; Linux x86_64)" "-"',
  ],
  // lighttpd's default accesslog.format (%V, the host, second).
  lighttpd: [
    '4.4.4.4 www.example.org - [25/Dec/2011:17:09:20 +0100] "GET /gitweb/ HTTP/1.1" 401 351 "-" "Mozilla/5.0 (X11; Linux x86_64)"',
    '2001:db8::7 git.example.org francois [25/Dec/2011:17:09:31 +0100] "GET /gitweb/?p=a.git HTTP/1.1" 200 5120 "-" "git/2.43.0"',
  ],
  // Traefik's CLF access log (doc.traefik.io, "Access Logs"): the router and server URL after combined.
  traefik: [
    '192.168.1.1 - - [10/Oct/2023:13:55:36 +0000] "GET /index.html HTTP/1.1" 200 1024 "-" "Mozilla/5.0" 1 "my-router@docker" "http://172.17.0.2:80" 3ms',
    '203.0.113.9 - admin [10/Oct/2023:13:55:40 +0000] "GET /dashboard/ HTTP/2.0" 401 17 "-" "curl/8.5.0" 2 "dashboard@internal" "-" 0ms',
  ],
  // fail2ban's haproxy-http-auth test log (fail2ban/tests/files/logs) and HAProxy's manual (8.2.3).
  haproxy: [
    'Nov 14 22:45:11 test haproxy[760]: 192.168.33.1:58430 [14/Nov/2015:22:45:11.608] main main/<NOSRV> -1/-1/-1/-1/0 401 248 - - PR-- 0/0/0/0/0 0/0 "GET / HTTP/1.1"',
    'Nov 14 22:45:11 test haproxy[760]: 2001:db8::1234:58430 [14/Nov/2015:22:45:11.608] main main/<NOSRV> -1/-1/-1/-1/0 401 248 - - PR-- 0/0/0/0/0 0/0 "GET / HTTP/1.1"',
    'Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"',
  ],
  // Caddy's JSON access log (caddyserver.com/docs/caddyfile/directives/log), one behind journald.
  caddy: [
    '{"level":"info","ts":1646861401.5241024,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"127.0.0.1","remote_port":"41342","client_ip":"127.0.0.1","proto":"HTTP/2.0","method":"GET","host":"localhost","uri":"/","headers":{"User-Agent":["curl/7.82.0"],"Accept":["*/*"],"Accept-Encoding":["gzip, deflate, br"]},"tls":{"resumed":false,"version":772,"cipher_suite":4865,"proto":"h2","server_name":"example.com"}},"bytes_read":0,"user_id":"","duration":0.000929675,"size":10900,"status":200,"resp_headers":{"Server":["Caddy"],"Content-Encoding":["gzip"],"Content-Type":["text/html; charset=utf-8"],"Vary":["Accept-Encoding"]}}',
    'Jul  4 23:37:51 app2 caddy[2140]: {"level":"info","ts":1751672271.1656768,"logger":"http.log.access.log7","msg":"handled request","request":{"remote_ip":"172.69.176.57","remote_port":"44552","client_ip":"172.69.176.57","proto":"HTTP/2.0","method":"GET","host":"example.org","uri":"/admin/","headers":{"User-Agent":["curl/8.5.0"],"Authorization":["REDACTED"]}},"bytes_read":0,"user_id":"","duration":0.0004,"size":0,"status":401,"resp_headers":{"Server":["Caddy"],"Www-Authenticate":["Basic realm=\\"restricted\\""]}}',
  ],
  // IIS W3C extended (learn.microsoft.com, "W3C Extended Log File Format"; IIS's default fields).
  iis: [
    '2026-11-27 10:00:01 10.0.0.4 GET /intranet/ - 443 - 203.0.113.10 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) - 401 2 5 1',
    '2026-11-27 10:00:02 10.0.0.4 GET /intranet/ - 443 CONTOSO\\alice 203.0.113.10 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) - 401 1 1326 15',
  ],
  json: [
    '{"time":"2026-11-27T10:00:01+00:00","remote_addr":"203.0.113.9","remote_user":"","request":"GET /api HTTP/1.1","status":"401","body_bytes_sent":"179","http_referer":"","http_user_agent":"curl/8.5.0"}',
    '{"ts":"2026-11-27T10:00:02+01:00","ip":"2001:db8::1","method":"POST","uri":"/wp-json/wp/v2/posts?x=1","status":403,"user_agent":"Mozilla/5.0 \\"quoted\\""}',
  ],
  'nginx-error': [
    '2012/04/09 11:53:29 [error] 2865#0: *66647 user "xyz" was not found in "/var/www/.htpasswd", client: 192.0.43.10, server: www.myhost.com, request: "GET / HTTP/1.1", host: "www.myhost.com"',
    '2014/04/02 12:37:58 [error] 6563#0: *1861 user "scribendio": password mismatch, client: 10.0.2.2, server: scribend.io, request: "GET /admin HTTP/1.1", host: "scribend.io", referrer: "https://scribend.io/admin"',
    'host nginx[983478]: 2023/12/09 21:35:20 [error] 983478#983478: *3 user "fakeusername" was not found in "/var/lib/nginx/htpasswd-for-host.example.com", client: 192.0.2.3, server: host.example.com, request: "GET / HTTP/2.0", host: "host.example.com"',
    '2020/11/25 14:42:16 [crit] 76952#76952: *2454307 SSL_do_handshake() failed (SSL: error:1408F0C6:SSL routines:ssl3_get_record:packet length too long) while SSL handshaking, client: 142.93.180.14, server: 0.0.0.0:443',
  ],
  'apache-error': [
    '[Sat Jul 20 21:39:11.978080 2013] [auth_basic:error] [pid 17512:tid 140123053950720] [client 127.0.0.1:51390] AH01617: user username: authentication failure for "/basic/file": Password Mismatch',
    '[Sun Sep 14 21:44:43.008606 2014] [authz_core:error] [pid 10691] [client 192.3.9.178:44271] AH01630: client denied by server configuration: /var/www/html/noentry/cant_get_me.html',
    '[Mon Nov 18 22:39:33 2013] [error] [client 91.49.82.139] user gg not found: /, referer: http://sj.hopto.org/management.html',
    'Feb 15 16:54:53 tools apache2[18154]: [:error] [pid 18154:tid 140680873617152] [client 192.0.2.3:48154] AH01630: client denied by server configuration: /var/www',
  ],
  // fail2ban's lighttpd-auth test log (fail2ban/tests/files/logs/lighttpd-auth); lighttpd 1.4.5x drops the comma before IP.
  'lighttpd-error': [
    "2011-12-25 17:09:20: (http_auth.c.875) password doesn't match for /gitweb/ username: francois, IP: 4.4.4.4",
    '2013-08-25 00:24:55: (http_auth.c.877) get_password failed, IP: 4.4.4.4',
    "2024-03-02 10:11:12: (mod_auth.c.852) password doesn't match for /private/ username: bob IP: 2001:db8::5",
  ],
  'wordpress-debug': [
    '[27-Nov-2026 10:00:01 UTC] PHP Warning:  Undefined array key "foo" in /var/www/html/wp-content/plugins/x/x.php on line 12',
    '[27-Nov-2026 10:00:02 Europe/Berlin] PHP Fatal error:  Uncaught Exception: boom in /var/www/html/wp-content/plugins/x/x.php:40\nStack trace:\n#0 {main}\n  thrown in /var/www/html/wp-content/plugins/x/x.php on line 40',
    // written by src/wordpress/authlog-auth-log.php (test/php/plugin_test.php checks the PHP side)
    '[27-Nov-2026 10:00:03 UTC] authlog: {"hook":"application_password_failed_authentication","code":"incorrect_password","user":"deploybot","ip":"203.0.113.5","method":"POST","uri":"/wp-json/wp/v2/posts?x=1"}',
  ],
  'wp-fail2ban': [
    'Oct 17 20:59:54 foobar wordpress(www.example.com)[1234]: Authentication failure for admin from 192.168.0.1',
    'Nov 27 10:00:01 web1 wp[2345]: REST authentication attempt for unknown user ghost from 2001:db8::9',
  ],
};

export interface ParserOptions {
  /** A log_format string pasted from nginx.conf (text or JSON). */
  logFormat?: string;
}

/** The parser for a forced `--format`, or for a user-supplied log_format. */
export function parserFor(choice: Exclude<FormatChoice, 'auto'>, options: ParserOptions = {}): LogParser {
  switch (choice) {
    case 'combined':
    case 'main':
    case 'common':
    case 'vhost_combined':
    case 'nginx_proxy':
    case 'lighttpd':
    case 'traefik':
      return options.logFormat ? customAccessParser(options.logFormat) : presetParser(choice as AccessPreset);
    case 'haproxy':
      return haproxyParser;
    case 'caddy':
      return caddyParser;
    case 'iis':
      return createW3cParser();
    case 'lighttpd-error':
      return lighttpdErrorParser;
    case 'json':
      return createJsonAccessParser(options.logFormat);
    case 'nginx-error':
      return nginxErrorParser;
    case 'apache-error':
      return apacheErrorParser;
    case 'wordpress-debug':
      return wordpressDebugParser;
    case 'wp-fail2ban':
      return wpFail2banParser;
  }
}

/** Throws LogFormatError when the format lacks a field authlog cannot do without. */
export function customAccessParser(logFormat: string, variant = 'custom'): LogParser {
  const trimmed = logFormat.trim().replace(/^escape=\w+\s+/, '');
  if (trimmed.startsWith('{')) return createJsonAccessParser(trimmed);
  return createAccessParser(trimmed, variant);
}

/** Candidates in the order ties are broken. */
export function detectionCandidates(options: ParserOptions = {}): LogParser[] {
  const access = options.logFormat
    ? [customAccessParser(options.logFormat)]
    : [
        presetParser('vhost_combined'), presetParser('nginx_proxy'), presetParser('traefik'), presetParser('main'), presetParser('combined'),
        presetParser('lighttpd'), presetParser('common'), haproxyParser, caddyParser, createW3cParser(), createJsonAccessParser(),
      ];
  return [nginxErrorParser, apacheErrorParser, lighttpdErrorParser, wordpressDebugParser, wpFail2banParser, ...access];
}

/**
 * Pick the parser that accepts most of a file's first lines (entry starts only, for
 * multi-line formats). Null when none accepts at least half of them.
 */
export function detectFormat(lines: string[], ctx: ParseContext, options: ParserOptions = {}): LogParser | null {
  const sample = lines.filter((l) => l.trim().length > 0).slice(0, 50);
  if (sample.length === 0) return null;
  let best: LogParser | null = null;
  let bestScore = 0;
  let bestAccepted = 0;
  for (const parser of detectionCandidates(options)) {
    const { accepted, addresses, hosts } = detectionScore(parser, sample, ctx);
    // Evidence beyond "it matched": a format that reads a client address where the other
    // reads a host name wins (nginx-proxy's `$host $remote_addr` read as combined stored
    // the host as the client). Logs with HostnameLookups on still match on lines alone.
    // A field combined throws away (ident, always `-` in real logs) that holds a host name
    // is lighttpd's %V: the format that keeps it wins.
    const score = accepted + addresses / 2 + hosts / 4;
    if (score > bestScore) {
      best = parser;
      bestScore = score;
      bestAccepted = accepted;
    }
  }
  return bestAccepted * 2 >= sample.length ? best : null;
}

const ADDRESS = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*|unix:.*)$/;

/**
 * Lines the parser accepts. For multi-line formats the continuation lines of an accepted
 * entry count too, so a debug.log that opens with a long stack trace is still recognised.
 */
function detectionScore(parser: LogParser, sample: string[], ctx: ParseContext): { accepted: number; addresses: number; hosts: number } {
  if (!parser.startsEntry) {
    let accepted = 0;
    let addresses = 0;
    let hosts = 0;
    for (const line of sample) {
      const r = parser.parse(line, ctx);
      // A format's own directive line (W3C `#Fields:`) is recognised, though no record.
      if (!r.ok) {
        if (r.reason === 'header') accepted++;
        continue;
      }
      accepted++;
      if (r.record.kind === 'access' && ADDRESS.test(r.record.ip)) addresses++;
      if (r.record.kind === 'access' && r.record.host !== null && parser.variant === 'lighttpd') hosts++;
    }
    return { accepted, addresses, hosts };
  }
  let score = 0;
  let inEntry = false;
  for (const line of sample) {
    if (parser.startsEntry(line)) {
      inEntry = parser.parse(line, ctx).ok;
      if (inEntry) score++;
    } else if (inEntry) {
      score++;
    }
  }
  return { accepted: score, addresses: 0, hosts: 0 };
}

/** Whether a parser chosen without looking (a configured format) reads most of the file's first lines. */
export function fitsLines(parser: LogParser, lines: string[], ctx: ParseContext): boolean {
  const sample = lines.filter((l) => l.trim().length > 0).slice(0, 50);
  return sample.length === 0 || detectionScore(parser, sample, ctx).accepted * 2 >= sample.length;
}

export function isLogFormatError(e: unknown): e is LogFormatError {
  return e instanceof LogFormatError;
}

/** Presets other servers share with nginx's (Apache, lighttpd, Traefik): their logs are plain "access". */
const SHARED_PRESETS = new Set(['combined', 'common', 'vhost_combined', 'lighttpd', 'traefik']);

/** The name a user sees for a format: the nginx-access parser reading a shared preset is "access". */
export function formatLabel(format: string | null, variant: string | null): string | null {
  return format === 'nginx-access' && variant !== null && SHARED_PRESETS.has(variant) ? 'access' : format;
}
