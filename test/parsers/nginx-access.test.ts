import { describe, expect, it } from 'vitest';
import { AccessRecordSchema, customAccessParser, parserFor, type AccessRecord } from '../../parsers/index.js';

const ctx = { year: 2026 };
const combined = parserFor('combined');
const main = parserFor('main');

function ok(parser: ReturnType<typeof parserFor>, line: string): AccessRecord {
  const res = parser.parse(line, ctx);
  if (!res.ok) throw new Error(`rejected: ${res.reason}`);
  expect(res.record.kind).toBe('access');
  return AccessRecordSchema.parse(res.record);
}

describe('nginx access: combined / main', () => {
  it.each([
    ['plain 401 without user', '203.0.113.9 - - [27/Nov/2026:10:00:01 +0000] "GET /staging/ HTTP/1.1" 401 179 "-" "Mozilla/5.0"',
      { ip: '203.0.113.9', user: null, method: 'GET', target: '/staging/', status: 401, bytes: 179, ts: Date.UTC(2026, 10, 27, 10, 0, 1), offsetMin: 0 }],
    ['user sent and refused', '203.0.113.9 - bob [27/Nov/2026:10:00:04 +0000] "GET /staging/ HTTP/1.1" 401 179 "-" "Mozilla/5.0"', { user: 'bob' }],
    ['user with spaces', '203.0.113.9 - Bob Smith [27/Nov/2026:10:00:04 +0000] "GET / HTTP/1.1" 401 179 "-" "x"', { user: 'Bob Smith', target: '/' }],
    ['IPv6 client and offset', '2001:db8::7 - - [27/Nov/2026:11:00:04 +0100] "GET /a?b=c HTTP/2.0" 200 5 "-" "curl/8"',
      { ip: '2001:db8::7', target: '/a?b=c', ts: Date.UTC(2026, 10, 27, 10, 0, 4), offsetMin: 60 }],
    ['negative offset', '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
      { ts: Date.UTC(2000, 9, 10, 20, 55, 36), userAgent: 'Mozilla/4.08 [en] (Win98; I ;Nav)', referer: 'http://www.example.com/start.html' }],
    ['nginx \\x escapes of UTF-8 and quotes', '198.51.100.1 - - [27/Nov/2026:10:00:05 +0000] "GET /\\xD0\\x9F\\x22 HTTP/1.1" 404 0 "-" "Agent \\x22quoted\\x22"',
      { target: '/П"', userAgent: 'Agent "quoted"' }],
    ['Apache escaped quote in user agent', '198.51.100.1 - - [27/Nov/2026:10:00:05 +0000] "GET / HTTP/1.1" 401 0 "-" "say \\"hi\\" \\\\ \\x1b[2J"',
      { userAgent: 'say "hi" \\ \u001b[2J' }],
    ['TLS garbage request', '198.51.100.7 - - [27/Nov/2026:10:00:05 +0000] "\\x16\\x03\\x01\\x00\\xF1" 400 157 "-" "-"', { method: null, target: null, status: 400, userAgent: null }],
    ['bytes as -', '192.0.2.44 - - [27/Nov/2026:10:00:05 +0000] "POST /x HTTP/1.1" 401 - "-" "-"', { bytes: null }],
    ['Apache empty user ""', '192.0.2.44 - "" [27/Nov/2026:10:00:05 +0000] "GET /x HTTP/1.1" 401 381 "-" "-"', { user: '' }],
    ['fields appended after combined', '192.0.2.44 - - [27/Nov/2026:10:00:05 +0000] "GET /x HTTP/1.1" 200 3 "-" "ua" 0.004 rt=1', { extra: { tail: '0.004 rt=1' } }],
  ])('%s', (_name, line, expected) => {
    expect(ok(combined, line)).toMatchObject(expected);
  });

  it('vhost_combined keeps the virtual host', () => {
    const r = ok(parserFor('vhost_combined'), 'www.example.com:443 203.0.113.9 - bob [27/Nov/2026:10:00:04 +0100] "GET /p HTTP/1.1" 401 381 "-" "ua"');
    expect(r).toMatchObject({ host: 'www.example.com', ip: '203.0.113.9', user: 'bob', extra: { server_port: '443' } });
  });

  it('main keeps X-Forwarded-For', () => {
    const r = ok(main, '10.0.0.2 - - [27/Nov/2026:10:00:05 +0000] "GET / HTTP/1.1" 401 1 "-" "ua" "198.51.100.1, 10.0.0.2"');
    expect(r.forwardedFor).toBe('198.51.100.1, 10.0.0.2');
  });

  it.each([
    ['empty line', '', 'empty'],
    ['truncated line', '198.51.100.31 - - [26/Nov/2026:09:14:02 +0100] "GET /blog/ HTTP/2.0" 200 51', 'no_match'],
    ['missing status', '198.51.100.31 - - [26/Nov/2026:09:14:02 +0100] "GET / HTTP/1.1" - 0 "-" "-"', 'bad_status'],
    ['impossible date', '198.51.100.31 - - [31/Nov/2026:09:14:02 +0100] "GET / HTTP/1.1" 200 0 "-" "-"', 'bad_timestamp'],
    ['unknown month', '198.51.100.31 - - [01/Foo/2026:09:14:02 +0100] "GET / HTTP/1.1" 200 0 "-" "-"', 'bad_timestamp'],
    ['an error-log line', '2026/11/27 10:00:01 [error] 1#1: *1 user "x" was not found in "/f", client: 1.2.3.4, server: s', 'no_match'],
  ])('rejects %s', (_name, line, reason) => {
    const res = combined.parse(line, ctx);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.reason).toBe(reason);
  });
});

describe('custom log_format', () => {
  const format = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $scheme $upstream_status "$sent_http_www_authenticate" $request_time $host $my_custom';
  const parser = customAccessParser(format);

  it('maps the variables it knows and keeps the others as extra fields', () => {
    const r = ok(parser, '192.0.2.9 - - [27/Nov/2026:10:00:05 +0000] "GET /app HTTP/1.1" 401 12 "-" "ua" https 502, 401 "Basic realm=\\"x\\"" 0.012 app.example.com v1');
    expect(r).toMatchObject({ scheme: 'https', upstreamStatus: '502, 401', wwwAuthenticate: 'Basic realm="x"', requestTime: 0.012, host: 'app.example.com', extra: { my_custom: 'v1' } });
  });

  it('reads $time_iso8601, $request_method and $request_uri', () => {
    const p = customAccessParser('$remote_addr $time_iso8601 $request_method $request_uri $status');
    expect(ok(p, '2001:db8::1 2026-11-27T11:00:05+01:00 POST /wp-json/wp/v2/posts?x=1 401')).toMatchObject({
      ts: Date.UTC(2026, 10, 27, 10, 0, 5), method: 'POST', target: '/wp-json/wp/v2/posts?x=1', userLogged: false, user: null,
    });
  });

  it('reads $msec', () => {
    const p = customAccessParser('$msec $remote_addr "$request" $status');
    expect(ok(p, '1795780805.123 192.0.2.1 "GET / HTTP/1.1" 401').ts).toBe(1795780805123);
  });

  it.each([
    ['$remote_user [$time_local] "$request" $status', /remote_addr/],
    ['$remote_addr [$time_local] "$request"', /status/],
    ['$remote_addr "$request" $status', /time/],
  ])('refuses a format without an essential field: %s', (f, message) => {
    expect(() => customAccessParser(f)).toThrow(message);
  });
});

describe('JSON access logs (escape=json)', () => {
  const auto = parserFor('json');
  it.each([
    ['variable names as keys', '{"time_iso8601":"2026-11-27T10:00:01+00:00","remote_addr":"203.0.113.9","remote_user":"","request":"GET /api HTTP/1.1","status":"401","body_bytes_sent":"179","http_user_agent":"curl/8.5.0"}',
      { ip: '203.0.113.9', user: null, userLogged: true, status: 401, target: '/api', bytes: 179 }],
    ['short aliases and numbers', '{"ts":"2026-11-27T10:00:02+01:00","ip":"2001:db8::1","method":"POST","uri":"/x?y=1","status":403,"user_agent":"A \\"q\\" \\u001b"}',
      { ip: '2001:db8::1', method: 'POST', target: '/x?y=1', status: 403, userAgent: 'A "q" \u001b', userLogged: false }],
    ['time_local inside JSON', '{"time_local":"27/Nov/2026:10:00:01 +0000","remote_addr":"1.2.3.4","request":"GET / HTTP/1.1","status":200}', { ts: Date.UTC(2026, 10, 27, 10, 0, 1) }],
  ])('%s', (_n, line, expected) => {
    expect(ok(auto, line)).toMatchObject(expected);
  });

  it('uses the log_format template to map its own key names', () => {
    const p = customAccessParser(`escape=json '{"t":"$time_iso8601","who":"$remote_addr","u":"$remote_user","r":"$request","s":"$status"}'`.replace(/^escape=json '|'$/g, ''));
    expect(ok(p, '{"t":"2026-11-27T10:00:01Z","who":"192.0.2.1","u":"bob","r":"GET / HTTP/1.1","s":"401"}')).toMatchObject({ ip: '192.0.2.1', user: 'bob', status: 401 });
  });

  it.each([
    ['broken JSON', '{"time":"2026-11-27T10:00:01Z","status":', 'bad_json'],
    ['an array', '[1,2]', 'no_match'],
    ['no status', '{"time":"2026-11-27T10:00:01Z","remote_addr":"1.2.3.4"}', 'missing_field'],
  ])('rejects %s', (_n, line, reason) => {
    const res = auto.parse(line, ctx);
    expect(res.ok ? 'accepted' : res.reason).toBe(reason);
  });
});
