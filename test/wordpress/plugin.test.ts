/**
 * Both sides of the WordPress plugin's line format: PHP writes it (test/php/plugin_test.php
 * checks the exact lines), authlog's debug.log parser reads the very file PHP wrote.
 * CI installs php-cli; without PHP on a developer's machine these checks are reported as skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parserFor, type LogEvent } from '../../parsers/index.js';
import { detectSignal } from '../../src/classify/signals.js';
import { EntryFramer } from '../../src/read/framer.js';
import { CLI, REPO, useTempDir } from '../helpers.js';

const tmp = useTempDir();
const hasPhp = spawnSync('php', ['--version']).status === 0;
const PLUGIN = join(REPO, 'src', 'wordpress', 'authlog-auth-log.php');

function readDebugLog(file: string): LogEvent[] {
  const parser = parserFor('wordpress-debug');
  const events: LogEvent[] = [];
  const framer = new EntryFramer(parser.startsEntry!, (text) => {
    const r = parser.parse(text, { year: 2026 });
    if (!r.ok) throw new Error(`rejected ${r.reason}: ${text}`);
    events.push(r.record as LogEvent);
  }, (text) => {
    throw new Error(`orphan: ${text}`);
  });
  readFileSync(file, 'utf8').split('\n').filter(Boolean).forEach((l, i) => framer.push(l, i + 1));
  framer.flush();
  return events;
}

describe.runIf(hasPhp)('the WordPress mu-plugin (PHP)', () => {
  it('passes php -l', () => {
    expect(execFileSync('php', ['-l', PLUGIN], { encoding: 'utf8' })).toMatch(/No syntax errors/);
  });

  it('writes the exact lines authlog parses, one per hook', () => {
    const out = join(tmp(), 'debug.log');
    const r = spawnSync('php', [join(REPO, 'test', 'php', 'plugin_test.php'), out], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('15 passed, 0 failed');
    const events = readDebugLog(out);
    expect(events).toHaveLength(15);
    expect(events.map((e) => detectSignal(e).signal)).toEqual([
      'wp_password_mismatch', 'wp_user_not_found', 'wp_login_failed', 'wp_password_mismatch', 'wp_app_passwords_disabled',
      'wp_nonce_failed', 'wp_nonce_failed', 'wp_nonce_failed', 'wp_cookie_expired', 'wp_cookie_invalid', 'wp_cookie_invalid',
      'wp_cookie_invalid', 'wp_cookie_invalid', 'wp_user_not_found', 'wp_password_mismatch',
    ]);
    expect(events[0]).toMatchObject({ client: '203.0.113.5', method: 'POST', target: '/wp-json/wp/v2/posts?x=1', zone: 'UTC' });
    expect(detectSignal(events[3]).user).toBe('deploybot');
    // hostile values stayed on one line and come back intact
    expect(detectSignal(events[13]).user).toBe('evil"\nname');
    expect(events[13].target).toBe('/wp-login.php?x="\n\u001b[2J');
    expect(events[14].client).toBe('198.51.100.7');
  });
});

describe('wp-fail2ban syslog lines', () => {
  it.each([
    ['Oct 17 20:59:54 foobar wordpress(www.example.com)[1234]: Authentication failure for admin from 192.168.0.1', 'wp_password_mismatch', 'admin', '192.168.0.1'],
    ['Oct 17 21:00:00 foobar wordpress(www.example.com)[2345]: Accepted password for admin from 192.168.0.1', null, null, '192.168.0.1'],
    ['Nov 27 10:00:01 web1 wp[2345]: XML-RPC authentication attempt for unknown user ghost user from 2001:db8::9', 'wp_user_not_found', 'ghost user', '2001:db8::9'],
    ['Nov 27 10:00:02 web1 wordpress(example.com/blog)[1]: Blocked user enumeration attempt from 203.0.113.4', 'forbidden_rule', null, '203.0.113.4'],
    ['Nov 27 10:00:03 web1 wordpress[1]: Empty username from 203.0.113.4', 'no_credentials', null, '203.0.113.4'],
  ])('%s', (line, signal, user, client) => {
    const r = parserFor('wp-fail2ban').parse(line, { year: 2026 });
    if (!r.ok) throw new Error(r.reason);
    const e = r.record as LogEvent;
    expect(e.client).toBe(client);
    expect(e.yearless).toBe(true);
    expect(detectSignal(e)).toMatchObject({ signal, user });
  });

  it.each([
    ['no client address', 'Oct 17 20:59:54 foobar wordpress[1]: Authentication failure for admin'],
    ['another daemon', 'Oct 17 20:59:54 foobar sshd[1]: Authentication failure for admin from 192.168.0.1'],
  ])('rejects %s', (_n, line) => {
    expect(parserFor('wp-fail2ban').parse(line, { year: 2026 }).ok).toBe(false);
  });
});

describe('WordPress heuristics read more from the access log', () => {
  it('notes a stale page, a wp-admin session without nonce, and plain HTTP', () => {
    const dir = tmp();
    const ua = 'Mozilla/5.0 (X11; Linux x86_64)';
    const line = (ip: string, user: string, time: string, req: string, status: number, bytes: number, scheme = 'https') =>
      `${ip} - ${user} [${time} +0000] "${req}" ${status} ${bytes} "-" "${ua}" ${scheme}`;
    writeFileSync(join(dir, 'access.log'), [
      line('203.0.113.50', '-', '26/Nov/2026:10:00:00', 'GET /wp-admin/post.php?post=42&action=edit HTTP/2.0', 200, 9000),
      line('203.0.113.50', '-', '27/Nov/2026:06:00:00', 'POST /wp-admin/admin-ajax.php HTTP/2.0', 403, 2),
      line('203.0.113.51', '-', '27/Nov/2026:09:00:00', 'GET /wp-admin/ HTTP/2.0', 200, 9000),
      line('203.0.113.51', '-', '27/Nov/2026:09:30:00', 'POST /wp-json/wp/v2/posts HTTP/2.0', 401, 110),
      line('192.0.2.80', 'deploybot', '27/Nov/2026:09:40:00', 'POST /wp-json/wp/v2/media HTTP/1.1', 401, 125, 'http'),
    ].join('\n') + '\n');
    const fmt = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $scheme';
    const out = spawnSync(process.execPath, [CLI, 'events', dir, '--db', ':memory:', '--format', 'ndjson', '-q', '--log-format', fmt], { encoding: 'utf8' });
    const events = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as { cause: string; evidence: { text: string }[] });
    const texts = events.map((e) => e.evidence.map((x) => x.text).join(' | '));
    expect(events.map((e) => e.cause)).toEqual(['nonce_expired', 'no_credentials', 'bad_credentials']);
    expect(texts[0]).toMatch(/stale page: this client's last wp-admin page load was 20\.0 h earlier/);
    expect(texts[1]).toMatch(/holds a recent wp-admin session .* did not send the X-WP-Nonce header/);
    expect(texts[2]).toMatch(/sent over plain HTTP: WordPress ignores application passwords/);
  });
});

describe('authlog wordpress', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [CLI, 'wordpress', ...args], { encoding: 'utf8' });

  it('installs the plugin, and check reports it and WP_DEBUG_LOG', () => {
    const wp = tmp();
    mkdirSync(join(wp, 'wp-content'));
    writeFileSync(join(wp, 'wp-config.php'), "<?php\ndefine( 'DB_NAME', 'wp' );\n");
    const before = run(['check', wp]);
    expect(before.status).toBe(1);
    expect(before.stdout).toMatch(/^plugin: not installed/);
    const install = run(['install', wp]);
    expect(install.status).toBe(0);
    expect(install.stdout).toMatch(/installed .*wp-content\/mu-plugins\/authlog-auth-log\.php/);
    expect(install.stdout).toContain("define( 'WP_DEBUG_LOG', true );");
    expect(readFileSync(join(wp, 'wp-content/mu-plugins/authlog-auth-log.php'), 'utf8')).toBe(readFileSync(PLUGIN, 'utf8'));
    writeFileSync(join(wp, 'wp-config.php'), "<?php\ndefine( 'WP_DEBUG', true );\ndefine( 'WP_DEBUG_LOG', '/var/log/wp/debug.log' );\n");
    const after = run(['check', wp]);
    expect(after.stdout).toBe(`plugin: installed (${join(wp, 'wp-content/mu-plugins/authlog-auth-log.php')})\nWP_DEBUG_LOG: on, /var/log/wp/debug.log\n`);
    expect(after.status).toBe(0);
  });

  it('refuses a directory that is not a WordPress site', () => {
    const r = run(['install', tmp()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/does not look like a WordPress site/);
  });
});
