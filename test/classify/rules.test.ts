import { describe, expect, it } from 'vitest';
import { correlate } from '../../src/classify/correlate.js';
import { classify, matchingRules } from '../../src/classify/engine.js';
import type { AuthRequest, Facts, SignalEvent } from '../../src/classify/facts.js';
import { RULES } from '../../src/classify/rules.js';
import { SIGNALS, detectSignal } from '../../src/classify/signals.js';
import { bruteForceIds, userAgentTags } from '../../src/classify/tags.js';
import { CAUSES_401, CAUSES_403 } from '../../src/classify/vocabulary.js';
import { parserFor, type LogEvent } from '../../parsers/index.js';

const req = (over: Partial<AuthRequest> = {}): AuthRequest => ({
  id: 1, ts: 1_000_000, ip: '192.0.2.1', user: null, userLogged: true, method: 'GET', target: '/x', path: '/x', status: 401, bytes: 10,
  userAgent: 'Mozilla/5.0', host: null, scheme: null, upstreamStatus: null, wwwAuthenticate: null, endpoint: null, extra: null, file: 'access.log', line: 1, ...over,
});
const ev = (over: Partial<SignalEvent> = {}): SignalEvent => ({
  id: 1, ts: 1_000_000, format: 'nginx-error', client: '192.0.2.1', method: 'GET', target: '/x', signal: 'user_not_found', user: null, object: null,
  message: 'm', file: 'error.log', line: 1, ...over,
});
const facts = (r: AuthRequest, e: SignalEvent | null = null): Facts => ({ req: r, event: e, tags: new Set(), priorBasic: null, workedForMs: null, tagEvidence: [] });

describe('rules', () => {
  it('no two proven rules can claim one request: their (status, signal) pairs are disjoint', () => {
    const seen = new Map<string, string>();
    for (const r of RULES.filter((x) => x.confidence === 'proven')) {
      for (const s of r.when.signal ?? []) {
        const key = `${r.when.status}/${s}`;
        expect(seen.get(key), `${r.id} and ${seen.get(key)} both claim ${key}`).toBeUndefined();
        seen.set(key, r.id);
      }
    }
    for (const status of [401, 403] as const) {
      for (const signal of SIGNALS) {
        const proven = matchingRules(facts(req({ status }), ev({ signal }))).filter((r) => r.confidence === 'proven');
        expect(proven.length).toBeLessThanOrEqual(1);
      }
    }
  });

  it.each([
    ['nginx user not found: the file it names', ev({ signal: 'user_not_found', user: 'bob', object: '/etc/nginx/.htpasswd' }), 'htpasswd /etc/nginx/.htpasswd bob'],
    ['Apache password mismatch: a URI, not a file', ev({ format: 'apache-error', signal: 'password_mismatch', user: 'frank', object: '/intranet/' }), 'htpasswd FILE frank'],
    ['Apache user not found: a URI, not a file', ev({ format: 'apache-error', signal: 'user_not_found', user: 'eve', object: '/admin/' }), 'htpasswd FILE eve'],
  ])('fix names the user file only when the error line does (%s)', (_name, e, command) => {
    const v = classify(facts(req({ user: e.user }), e));
    expect(v.fix).toContain(command);
    expect(v.fix).not.toMatch(/htpasswd \/(intranet|admin)\//);
  });

  it('keeps 401 causes and 403 causes apart', () => {
    for (const r of RULES) {
      const allowed: readonly string[] = r.when.status === 401 ? CAUSES_401 : CAUSES_403;
      expect(allowed, `${r.id} gives ${r.cause} for ${r.when.status}`).toContain(r.cause);
    }
  });

  it('every 401 and 403 gets a verdict whatever the facts', () => {
    for (const status of [401, 403]) for (const user of [null, 'bob']) for (const userLogged of [true, false]) {
      const v = classify(facts(req({ status, user, userLogged })));
      expect(v.rule).not.toBe('none');
    }
  });

  it('fills the fix from the evidence', () => {
    const v = classify(facts(req({ user: 'bob' }), ev({ signal: 'user_not_found', user: 'bob', object: '/etc/nginx/.htpasswd' })));
    expect(v).toMatchObject({ cause: 'user_not_found', confidence: 'proven', layer: 'nginx' });
    expect(v.fix).toBe('User "bob" is not in /etc/nginx/.htpasswd: add it (htpasswd /etc/nginx/.htpasswd bob) or correct the user name the client sends.');
    expect(v.evidence[0]).toEqual({ file: 'error.log', line: 1, text: 'm' });
  });
});

describe('correlate', () => {
  it('gives each error line to one request only, matching users', () => {
    const a = req({ id: 1, user: 'carol' });
    const b = req({ id: 2, user: 'dave' });
    const m = correlate([a, b], [ev({ id: 10, user: 'dave', signal: 'password_mismatch' }), ev({ id: 11, user: 'carol', signal: 'password_mismatch' })]);
    expect(m.get(1)?.id).toBe(11);
    expect(m.get(2)?.id).toBe(10);
    const one = correlate([req({ id: 1 }), req({ id: 2 })], [ev({ id: 10 })]);
    expect(one.size).toBe(1);
  });

  it('gives a refused user\'s line to the retry that sent the user, not to the prompt before it in the same second (a real Apache with Digest)', () => {
    const prompt = req({ id: 1, target: '/digest/', path: '/digest/' });
    const retry = req({ id: 2, user: 'ghost', target: '/digest/', path: '/digest/', line: 2 });
    for (const signal of ['user_not_found', 'password_mismatch'] as const) {
      const line = ev({ id: 10, format: 'apache-error', method: null, target: null, signal, user: 'ghost', object: '/digest/' });
      const m = correlate([prompt, retry], [line]);
      expect(m.get(2)?.id, signal).toBe(10);
      expect(m.has(1), signal).toBe(false);
      // Alone, the prompt still takes it (a log that records no user: lighttpd).
      expect(correlate([prompt], [line]).get(1)?.id, signal).toBe(10);
    }
  });

  it.each([
    ['another client', ev({ client: '192.0.2.2' })],
    ['outside the window', ev({ ts: 1_000_000 + 5_000 })],
    ['another request line', ev({ target: '/y' })],
    ['another user', ev({ user: 'mallory' })],
    ['a 403 signal for a 401', ev({ signal: 'forbidden_rule' })],
  ])('does not pair with %s', (_n, e) => {
    expect(correlate([req({ user: 'bob' })], [e]).size).toBe(0);
  });
});

describe('signals', () => {
  const parse = (format: 'nginx-error' | 'apache-error', line: string) => {
    const r = parserFor(format).parse(line, { year: 2026 });
    if (!r.ok) throw new Error(r.reason);
    return detectSignal(r.record as LogEvent);
  };
  it.each([
    ['nginx-error', '2026/11/27 10:00:00 [error] 1#1: *1 user "a b": password mismatch, client: 1.2.3.4, server: s', 'password_mismatch', 'a b'],
    ['nginx-error', '2026/11/27 10:00:00 [crit] 1#1: *1 crypt_r() failed (22: Invalid argument), client: 1.2.3.4, server: s', 'crypt_failed', null],
    ['apache-error', '[Fri Nov 27 10:00:00 2026] [auth_basic:error] [pid 1] [client 1.2.3.4:5] AH01618: user  not found: /x', 'user_not_found', ''],
    ['apache-error', '[Wed Jul 17 23:50:37 2013] [error] [client 127.0.0.1] Digest: user username: password mismatch: /digest/x', 'password_mismatch', 'username'],
    ['apache-error', '[Sat Jun 01 02:17:42 2013] [error] [client 192.168.33.1] File does not exist: /srv/http/site/[client 192.168.0.1] user root not found', null, null],
    // fail2ban's nginx-http-auth test log, its last line (an auth module writing lighttpd's words)
    ['nginx-error', '2016/04/02 12:37:58 [error] 6563#0: *1861 client used invalid token: My Protected Web Application, client: 10.0.2.3, server: scribend.io, request: "GET /admin HTTP/1.1", host: "scribend.io", referrer: "https://scribend.io/admin"', 'wrong_scheme', null],
  ] as const)('%s: %s', (format, line, signal, user) => {
    const s = parse(format, line);
    expect(s.signal).toBe(signal);
    expect(s.user).toBe(user);
  });
});

describe('tags', () => {
  it.each([
    ['Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)', ['monitor']],
    ['Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)', ['monitor']],
    ['curl/8.5.0', ['automation']],
    ['python-requests/2.32.3', ['automation']],
    [null, ['automation']],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0', []],
  ])('%s', (ua, tags) => {
    expect(userAgentTags(ua)).toEqual(tags);
  });

  it('tags the whole burst of a brute-force client, not others', () => {
    const rows = [
      ...Array.from({ length: 6 }, (_, i) => ({ id: i, ip: 'a', ts: i * 1000, user: `u${i}` })),
      ...Array.from({ length: 3 }, (_, i) => ({ id: 100 + i, ip: 'b', ts: i * 1000, user: 'x' })),
    ];
    expect([...bruteForceIds(rows, { windowMs: 60_000, failures: 20, users: 5 })].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
