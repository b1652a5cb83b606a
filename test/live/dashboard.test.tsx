import { render } from 'ink-testing-library';
import stripAnsi from 'strip-ansi';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../src/report/event-rows.js';
import { LiveLayout } from '../../src/tui/live/app.js';
import { actionFor, LIVE_KEYS } from '../../src/tui/live/keys.js';
import { LiveStore } from '../../src/tui/live/store.js';
import { Tops } from '../../src/tui/live/panels.js';

const HOSTILE_UA = '\u001b]0;pwned\u0007\u001b[2J\u001b[31mEvil\u001b[0m';

function event(over: Partial<EventRow> = {}): EventRow {
  return {
    time: '2026-11-27T10:00:05Z', ip: '192.0.2.44', method: 'GET', path: '/staging/', status: 401, user: 'bob', cause: 'user_not_found',
    confidence: 'proven', layer: 'nginx', tags: [], evidence: [], fix: 'x', file: '/var/log/nginx/access.log', line: 1, source: '0123456789abcdef', rule: 'user-not-found', host: 'web1', ...over,
  };
}

function storeWith(events: EventRow[]): LiveStore {
  const store = new LiveStore('following /var/log/nginx/');
  store.apply({ events, lines: 100 }, 100, Date.now());
  return store;
}

describe.each([80, 120])('live dashboard at %i columns', (width) => {
  const events = [
    event(),
    event({ line: 2, ip: '2001:db8::7', user: `x${HOSTILE_UA}`, path: `/a${HOSTILE_UA}${'/very-long-segment'.repeat(20)}`, cause: 'no_credentials', confidence: 'heuristic', tags: ['automation'] }),
    event({ line: 3, user: '管理者ユーザー名前が長い', status: 403, cause: 'forbidden' }),
    event({ line: 4, ip: '45.95.147.236', user: 'admin', tags: ['brute_force'] }),
  ];

  it('shows counts, events and alerts within the width, with no escape sequence from the log', () => {
    const { lastFrame } = render(<LiveLayout state={storeWith(events).state} width={width} height={24} />);
    const frame = lastFrame()!;
    expect(frame).not.toMatch(/\u001b\]|\u0007|\u001b\[2J|\u001b\[31mEvil/);
    const plain = stripAnsi(frame);
    expect(plain).toContain('authlog live');
    expect(plain).toMatch(/401 3 · 403 1/);
    expect(plain).toMatch(/causes: user_not_found 2 {2}forbidden 1 {2}no_credentials 1/);
    expect(plain).toContain('brute force: 45.95.147.236 tried 1 user(s): admin');
    expect(plain).toContain('Evil');
    for (const line of plain.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(width);
    expect(plain.split('\n').length).toBeLessThanOrEqual(24);
  });

  it('stays within a short terminal however many events arrive', () => {
    const many = Array.from({ length: 100 }, (_, i) => event({ line: 10 + i }));
    const { lastFrame } = render(<LiveLayout state={storeWith(many).state} width={width} height={12} />);
    expect(stripAnsi(lastFrame()!).split('\n').length).toBeLessThanOrEqual(12);
  });
});

describe('live store and keys', () => {
  it('moves a request between causes when its verdict is updated', () => {
    const store = storeWith([event({ cause: 'bad_credentials', confidence: 'heuristic' })]);
    store.apply({ events: [event()], lines: 0 }, 100);
    expect(store.state.causes).toEqual({ bad_credentials: 0, user_not_found: 1 });
    expect(store.state.unauthorized).toBe(1);
    expect(store.state.latest).toHaveLength(1);
  });

  it('counts the new access.log after a rotation: same file and line numbers, another source', () => {
    const store = storeWith([event({ line: 1 }), event({ line: 2 })]);
    store.apply({ events: [event({ line: 1, source: 'fedcba9876543210' }), event({ line: 2, source: 'fedcba9876543210' })], lines: 0 }, 10);
    expect(store.state.unauthorized).toBe(4);
    expect(store.state.causes.user_not_found).toBe(4);
  });

  it('keeps the latest events newest first, an updated one moved to the front in its new version', () => {
    const store = storeWith([event({ line: 1 }), event({ line: 2 }), event({ line: 3 })]);
    expect(store.state.latest.map((e) => e.line)).toEqual([3, 2, 1]);
    store.apply({ events: [event({ line: 4 }), event({ line: 1, cause: 'bad_credentials' }), event({ line: 5 })], lines: 0 }, 10);
    expect(store.state.latest.map((e) => [e.line, e.cause])).toEqual([[5, 'user_not_found'], [1, 'bad_credentials'], [4, 'user_not_found'], [3, 'user_not_found'], [2, 'user_not_found']]);
    // A burst: only the newest 200 are kept.
    store.apply({ events: Array.from({ length: 500 }, (_, i) => event({ line: 100 + i })), lines: 0 }, 20);
    expect(store.state.latest).toHaveLength(200);
    expect(store.state.latest[0].line).toBe(599);
    expect(store.state.latest[199].line).toBe(400);
  });

  it('counts clients and users named like object internals as any other', () => {
    const store = storeWith([
      event({ line: 1, ip: '__proto__', user: '__proto__', tags: ['brute_force'] }),
      event({ line: 2, ip: '__proto__', user: 'constructor', tags: ['brute_force'] }),
    ]);
    expect(store.state.clients.__proto__).toBe(2);
    expect(store.state.users.__proto__).toBe(1);
    expect(store.state.users.constructor).toBe(1);
    expect([...store.state.bruteForce.__proto__]).toEqual(['__proto__', 'constructor']);
  });

  it('shows the five busiest clients, ties by address, out of thousands', () => {
    const store = new LiveStore('stdin');
    const counts: Record<string, number> = {};
    for (let i = 0; i < 3000; i++) counts[`10.0.${i >> 8}.${i & 255}`] = (i * 7919) % 97;
    counts['10.9.9.9'] = 96;
    store.state.clients = counts;
    const expected = Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5);
    const { lastFrame } = render(<Tops state={store.state} width={200} />);
    expect(stripAnsi(lastFrame()!)).toContain(`top clients: ${expected.map(([ip, n]) => `${ip} ${n}`).join('  ')}`);
  });

  it('has one key table for input and help', () => {
    expect(LIVE_KEYS.map((k) => k.key)).toEqual(['q', 'p', '?']);
    expect(actionFor('q')).toBe('quit');
    expect(actionFor('x')).toBeNull();
  });
});
