/**
 * Real Apache error-log lines that were read wrong, as issue #14 quotes them from public
 * real-world logs (fail2ban's test logs, loghub's Apache log, bug reports; the issue does
 * not say which line came from which, and the search index holds none of them verbatim):
 * each with its client and the signal it must give.
 */
import { describe, expect, it } from 'vitest';
import { parseApacheError } from '../../parsers/apache-error.js';
import { detectSignal } from '../../src/classify/signals.js';

const CASES: { source: string; line: string; client: string; signal: string | null; user?: string | null; object?: string | null }[] = [
  {
    source: 'Apache 2.2 Options -Indexes refusal (loghub\'s Apache log has this message; the line as the issue quotes it)',
    line: '[Sun Dec 04 04:47:44 2005] [error] [client 222.166.160.184] Directory index forbidden by rule: /var/www/html/',
    client: '222.166.160.184', signal: 'forbidden_rule', object: '/var/www/html/',
  },
  {
    source: 'Apache 2.2 mod_auth_digest, an unknown user (issue #14)',
    line: "[Sun Jul 28 21:41:20 2013] [error] [client 66.38.192.138] Digest: user `username' in realm `digest private area' not found: /digest/",
    client: '66.38.192.138', signal: 'user_not_found', user: 'username', object: '/digest/',
  },
  {
    source: 'Apache 2.2 mod_auth_basic, no path after the user (issue #14)',
    line: '[Sat Jun 01 11:23:08 2013] [error] [client 192.168.0.2] user root not found',
    client: '192.168.0.2', signal: 'user_not_found', user: 'root', object: null,
  },
  {
    source: 'Apache 2.4 AH01790: the realm is not part of the user (issue #14)',
    line: "[Sat Aug 09 14:18:27.468563 2014] [auth_digest:error] [pid 12345:tid 140] [client 192.0.2.1:51234] AH01790: user `user_test' in realm `home.me' not found: /",
    client: '192.0.2.1', signal: 'user_not_found', user: 'user_test', object: '/',
  },
  {
    source: 'Apache 2.4 with a bracketed IPv6 client and its port (issue #14)',
    line: '[Fri Nov 27 10:20:00.123456 2026] [authz_core:error] [pid 4242:tid 140] [client [2001:db8::80da:af6b:8b2c]:51548] AH01630: client denied by server configuration: /var/www/html/admin',
    client: '2001:db8::80da:af6b:8b2c', signal: 'forbidden_rule', object: '/var/www/html/admin',
  },
  // Written by the lab's Apache 2.4.71 (Debian's apache2, `npm run test:lab`), Digest area
  // with AuthDigestNonceLifetime 1 and LogLevel auth_digest:info, 2026-11-29.
  {
    source: 'lab Apache 2.4.71 AH01778: a nonce kept past its lifetime (info level)',
    line: '[Sun Nov 29 18:29:25.827028 2026] [auth_digest:info] [pid 20700:tid 20705] [client 127.0.0.3:41847] AH01778: user alice: nonce expired (2.00 seconds old - max lifetime 1.00) - sending new nonce',
    client: '127.0.0.3', signal: 'nonce_expired', user: 'alice',
  },
  {
    source: 'lab Apache 2.4.71 AH01790: a Digest user the file does not hold',
    line: "[Sun Nov 29 18:29:25.834203 2026] [auth_digest:error] [pid 20700:tid 20710] [client 127.0.0.4:46621] AH01790: user `ghost' in realm `Digest area' not found: /digest/",
    client: '127.0.0.4', signal: 'user_not_found', user: 'ghost', object: '/digest/',
  },
  {
    source: 'lab Apache 2.4.71 AH01794: a wrong Digest password (qop=auth, as browsers send; AH01792 is the RFC 2069 form)',
    line: '[Sun Nov 29 18:29:25.837283 2026] [auth_digest:error] [pid 20700:tid 20712] [client 127.0.0.5:34833] AH01794: user bob: password mismatch: /digest/',
    client: '127.0.0.5', signal: 'password_mismatch', user: 'bob', object: '/digest/',
  },
  {
    source: 'negative: a path that merely contains the words is no user-not-found message',
    line: '[Sat Jun 01 11:23:08 2013] [error] [client 192.168.0.2] File does not exist: /srv/user root not found',
    client: '192.168.0.2', signal: null,
  },
];

describe('Apache error lines from real logs', () => {
  it.each(CASES)('$source', (c) => {
    const r = parseApacheError(c.line, { year: 2026 });
    expect(r.ok).toBe(true);
    if (!r.ok || r.record.kind !== 'event') return;
    expect(r.record.client).toBe(c.client);
    const s = detectSignal(r.record);
    expect(s.signal).toBe(c.signal);
    if (c.user !== undefined) expect(s.user).toBe(c.user);
    if (c.object !== undefined) expect(s.object).toBe(c.object);
  });
});
