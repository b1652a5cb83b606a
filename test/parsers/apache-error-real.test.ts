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
