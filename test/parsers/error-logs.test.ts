import { describe, expect, it } from 'vitest';
import { LogEventSchema, parserFor, type LogEvent } from '../../parsers/index.js';
import { splitClient } from '../../parsers/apache-error.js';

const ctx = { year: 2026 };

function ok(format: 'nginx-error' | 'apache-error' | 'wordpress-debug', line: string): LogEvent {
  const res = parserFor(format).parse(line, ctx);
  if (!res.ok) throw new Error(`rejected: ${res.reason}`);
  return LogEventSchema.parse(res.record);
}

describe('nginx error log', () => {
  it.each([
    ['user not found (fail2ban sample)', '2012/04/09 11:53:29 [error] 2865#0: *66647 user "xyz" was not found in "/var/www/.htpasswd", client: 192.0.43.10, server: www.myhost.com, request: "GET / HTTP/1.1", host: "www.myhost.com"',
      { localTime: Date.UTC(2012, 3, 9, 11, 53, 29), level: 'error', pid: 2865, conn: 66647, client: '192.0.43.10', server: 'www.myhost.com', method: 'GET', target: '/', host: 'www.myhost.com', message: 'user "xyz" was not found in "/var/www/.htpasswd"' }],
    ['referrer and empty server', '2014/04/01 22:20:38 [error] 30708#0: *3 user "scribendio": password mismatch, client: 10.0.2.2, server: , request: "GET /admin HTTP/1.1", host: "localhost:8443", referrer: "https://x/admin"',
      { server: null, referrer: 'https://x/admin', message: 'user "scribendio": password mismatch' }],
    ['IPv6 client, not bracketed', '2026/11/27 10:00:01 [info] 1234#1234: *17 no user/password was provided for basic authentication, client: 2001:db8::9, server: s, request: "GET /x HTTP/2.0", host: "h"',
      { client: '2001:db8::9', level: 'info', message: 'no user/password was provided for basic authentication' }],
    ['journald prefix', 'host nginx[983478]: 2023/12/09 21:35:20 [error] 983478#983478: *3 user "fakeusername" was not found in "/var/lib/nginx/htpasswd", client: 192.0.2.3, server: host.example.com, request: "GET / HTTP/2.0", host: "host.example.com"',
      { client: '192.0.2.3', pid: 983478 }],
    ['syslog prefix with date', 'Dec  9 21:35:20 web1 nginx: 2023/12/09 21:35:20 [error] 1#1: *3 access forbidden by rule, client: 192.0.2.3, server: s, request: "GET /.env HTTP/1.1", host: "h"',
      { message: 'access forbidden by rule', target: '/.env' }],
    ['no connection, no context', '2020/11/25 16:02:45 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)',
      { conn: null, client: null, message: 'bind() to 0.0.0.0:80 failed (98: Address already in use)' }],
    ['upstream and while clause', '2020/11/25 16:02:45 [error] 76952#76952: *5645766 connect() failed (111: Connection refused) while connecting to upstream, client: 5.126.32.148, server: www.google.de, request: "GET /admin/config HTTP/2.0", upstream: "http://127.0.0.1:3000/admin/config", host: "www.google.de"',
      { upstream: 'http://127.0.0.1:3000/admin/config', message: 'connect() failed (111: Connection refused) while connecting to upstream' }],
    ['listening address as server, no request', '2020/11/25 14:42:16 [crit] 76952#76952: *2454307 SSL_do_handshake() failed (SSL: error) while SSL handshaking, client: 142.93.180.14, server: 0.0.0.0:443',
      { server: '0.0.0.0:443', request: null }],
  ])('%s', (_n, line, expected) => {
    expect(ok('nginx-error', line)).toMatchObject(expected);
  });

  it('takes the real client when a user name injects a fake context (fail2ban test)', () => {
    const e = ok('nginx-error', '2014/04/03 22:20:40 [error] 30708#0: *3 user "test": password mismatch, client: 127.0.0.1, server: test, request: "GET / HTTP/1.1", host: "localhost:8443"": was not found in "/etc/nginx/.htpasswd", client: 192.0.2.2, server: , request: "GET / HTTP/1.1", host: "localhost:8443"');
    expect(e.client).toBe('192.0.2.2');
    expect(e.message.startsWith('user "test": password mismatch, client: 127.0.0.1')).toBe(true);
  });

  it.each([
    ['unknown level', '2026/11/27 10:00:01 [err] 1#1: *1 x, client: 1.2.3.4, server: s', 'no_match'],
    ['bad date', '2026/02/30 10:00:01 [error] 1#1: *1 x', 'bad_timestamp'],
    ['access line', '1.2.3.4 - - [27/Nov/2026:10:00:01 +0000] "GET / HTTP/1.1" 401 1 "-" "-"', 'no_match'],
    ['truncated before the level', '2026/11/27 10:00:01 [err', 'no_match'],
  ])('rejects %s', (_n, line, reason) => {
    const res = parserFor('nginx-error').parse(line, ctx);
    expect(res.ok ? 'accepted' : res.reason).toBe(reason);
  });
});

describe('Apache error log', () => {
  it.each([
    ['2.4 with tid', '[Sat Jul 20 21:39:11.978080 2013] [auth_basic:error] [pid 17512:tid 140123053950720] [client 127.0.0.1:51390] AH01617: user username: authentication failure for "/basic/file": Password Mismatch',
      { module: 'auth_basic', level: 'error', pid: 17512, client: '127.0.0.1', code: 'AH01617', localTime: Date.UTC(2013, 6, 20, 21, 39, 11, 978), message: 'user username: authentication failure for "/basic/file": Password Mismatch' }],
    ['prefork, no tid', '[Sun Sep 14 21:44:43.008606 2014] [authz_core:error] [pid 10691] [client 192.3.9.178:44271] AH01630: client denied by server configuration: /var/www/html/noentry', { pid: 10691, client: '192.3.9.178' }],
    ['empty user, two spaces', '[Sat Jul 20 21:37:32.266605 2013] [auth_basic:error] [pid 17512:tid 1] [client 127.0.0.1:51386] AH01618: user  not found: /basic/file', { message: 'user  not found: /basic/file' }],
    ['IPv6 client with port, unbracketed', '[Fri Nov 27 10:20:00.123456 2026] [auth_basic:error] [pid 1:tid 2] [client 2001:db8::51:51391] AH01618: user grace not found: /x', { client: '2001:db8::51' }],
    ['remote instead of client', '[Mon Nov 06 13:39:56.637868 2023] [auth_basic:error] [pid 3175001:tid 140494544914112] [remote 192.0.2.111:35924] AH01618: user whatever not found: /admin', { client: '192.0.2.111' }],
    ['the proxy (%{c}a) then the client (%a), an ErrorLogFormat naming both', '[Sun Nov 29 18:50:01.768697 2026] [auth_basic:error] [pid 5012:tid 5018] [remote 10.0.0.1:80] [client 203.0.113.9:0] AH01618: user ghost not found: /private/',
      { client: '203.0.113.9', code: 'AH01618', message: 'user ghost not found: /private/' }],
    ['%F source file (debug builds and ErrorLogFormat with %7F)', '[Sun Nov 29 18:50:01.768697 2026] [auth_basic:error] [pid 5012:tid 5018] mod_auth_basic.c(235): [client 127.0.0.3:39885] AH01618: user ghost not found: /private/',
      { client: '127.0.0.3', message: 'user ghost not found: /private/' }],
    ['2.2, no module, referer', '[Mon Nov 18 22:39:33 2013] [error] [client 91.49.82.139] user gg not found: /, referer: http://sj.hopto.org/management.html',
      { module: null, pid: null, client: '91.49.82.139', referrer: 'http://sj.hopto.org/management.html', message: 'user gg not found: /' }],
    ['empty module', 'Feb 15 16:54:53 tools apache2[18154]: [:error] [pid 18154:tid 140680873617152] [client 192.0.2.3:48154] AH01630: client denied by server configuration: /var/www',
      { module: null, yearless: true, localTime: Date.UTC(2026, 1, 15, 16, 54, 53) }],
    ['APR status before the client', '[Fri Nov 27 10:20:00.123456 2026] [authn_file:error] [pid 9] (2)No such file or directory: [client 1.2.3.4:5] AH01620: Could not open password file: /etc/apache2/.htpasswd',
      { code: 'AH01620', message: '(2)No such file or directory: Could not open password file: /etc/apache2/.htpasswd' }],
    ['lowercase \\x escapes in the message', '[Fri Nov 27 10:20:00 2026] [core:error] [pid 9] [client 1.2.3.4:5] AH00126: Invalid URI in request GET /\\xd0\\x9f HTTP/1.1', { message: 'Invalid URI in request GET /П HTTP/1.1' }],
  ])('%s', (_n, line, expected) => {
    expect(ok('apache-error', line)).toMatchObject(expected);
  });

  it('splits ports the way httpd writes clients', () => {
    expect(splitClient('[2001:db8::1]:443', false)).toBe('2001:db8::1');
    expect(splitClient('2001:db8::1', false)).toBe('2001:db8::1');
    expect(splitClient('10.0.0.1:80', false)).toBe('10.0.0.1');
  });

  it.each([
    ['nginx line', '2026/11/27 10:00:01 [error] 1#1: *1 x', 'no_match'],
    ['bad level', '[Fri Nov 27 10:20:00 2026] [auth_basic:bogus] [pid 1] x', 'no_match'],
    ['impossible date', '[Fri Nov 31 10:20:00 2026] [auth_basic:error] [pid 1] x', 'bad_timestamp'],
  ])('rejects %s', (_n, line, reason) => {
    const res = parserFor('apache-error').parse(line, ctx);
    expect(res.ok ? 'accepted' : res.reason).toBe(reason);
  });
});

describe('WordPress debug.log', () => {
  it.each([
    ['PHP warning in UTC', '[27-Nov-2026 10:00:01 UTC] PHP Warning:  Undefined array key "foo" in /x.php on line 12', { zone: 'UTC', level: 'Warning', localTime: Date.UTC(2026, 10, 27, 10, 0, 1) }],
    ['plain error_log in a named zone', '[27-Nov-2026 10:00:01 Europe/Berlin] WPf2b: Wrote to syslog', { zone: 'Europe/Berlin', level: null, message: 'WPf2b: Wrote to syslog' }],
    ['multi-line entry kept whole', '[27-Nov-2026 10:00:02 UTC] PHP Fatal error:  Uncaught Exception: boom in /x.php:40\nStack trace:\n#0 {main}\n  thrown in /x.php on line 40', { level: 'Fatal error' }],
  ])('%s', (_n, entry, expected) => {
    const e = ok('wordpress-debug', entry);
    expect(e).toMatchObject(expected);
    expect(e.message).toBe(entry.slice(entry.indexOf('] ') + 2));
  });

  it('knows which lines start an entry', () => {
    const p = parserFor('wordpress-debug');
    expect(p.startsEntry!('[27-Nov-2026 10:00:01 UTC] x')).toBe(true);
    expect(p.startsEntry!('Stack trace:')).toBe(false);
    expect(p.startsEntry!('#0 /var/www/x.php(1): f()')).toBe(false);
  });

  it.each([
    ['a continuation line alone', 'Stack trace:', 'no_match'],
    ['bad day', '[32-Nov-2026 10:00:01 UTC] x', 'bad_timestamp'],
  ])('rejects %s', (_n, line, reason) => {
    const res = parserFor('wordpress-debug').parse(line, ctx);
    expect(res.ok ? 'accepted' : res.reason).toBe(reason);
  });
});

describe('syslog and journald prefixes seen in real logs (issue 14)', () => {
  it('reads an nginx line whose journald prefix came twice', async () => {
    const { parseNginxError } = await import('../../parsers/nginx-error.js');
    const r = parseNginxError('host nginx[23141]: host nginx: 2025/09/07 21:20:40 [error] 23141#23141: *1 user "bob": password mismatch, client: 192.0.2.1, server: x, request: "GET / HTTP/1.1", host: "x"');
    expect(r).toMatchObject({ ok: true, record: { client: '192.0.2.1', message: 'user "bob": password mismatch' } });
  });

  it('reads an Apache line whose syslog tag carries a slash', async () => {
    const { parseApacheError } = await import('../../parsers/apache-error.js');
    const r = parseApacheError('Nov 27 10:00:00 srv httpd/backend1[22034]: [auth_basic:error] [pid 22034] [client 192.0.2.1:5555] AH01617: user bob: authentication failure for "/": Password Mismatch', { year: 2026 });
    expect(r).toMatchObject({ ok: true, record: { client: '192.0.2.1', code: 'AH01617' } });
  });
});
