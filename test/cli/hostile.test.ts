/**
 * Hostile values through the real CLI: every command authlog suggests (fix texts in events,
 * doctor's confirm commands) is pasted into bash whose PATH holds only recording stubs, and
 * table/CSV output on a real pseudo-terminal carries no escape, C1 or bidi code point.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fillCommand } from '../../src/doctor/findings.js';
import { RULE_PLAYS, TAG_PLAYS } from '../../src/doctor/playbook.js';
import { CLI, stubShell, useTempDir } from '../helpers.js';
import { HOSTILE, showable } from '../hostile.js';

const tmp = useTempDir();
const run = promisify(execFile);

/** nginx's access-log escaping: `"`, `\`, controls and every byte >= 0x7f as \xHH. */
function nginxEscape(v: string): string {
  return [...Buffer.from(v, 'utf8')].map((b) => (b < 0x20 || b >= 0x7f || b === 0x22 || b === 0x5c ? `\\x${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b))).join('');
}

/** One site whose client sends `value` as its user name, in its path and its user agent. */
function hostileSite(dir: string, value: string, i: number): void {
  mkdirSync(dir, { recursive: true });
  const ip = `192.0.2.${10 + i}`;
  const path = `/staging/${nginxEscape(value).replace(/ /g, '%20')}`;
  const ua = nginxEscape(`curl/8.0 ${value}`);
  const user = nginxEscape(value);
  writeFileSync(join(dir, 'access.log'), [
    `${ip} - ${user} [27/Nov/2026:10:00:0${i % 10} +0000] "GET ${path} HTTP/1.1" 401 179 "-" "${ua}"`,
    `${ip} - ${user} [27/Nov/2026:10:01:0${i % 10} +0000] "GET ${path} HTTP/1.1" 401 179 "-" "${ua}"`,
    '',
  ].join('\n'));
  // nginx writes the user name raw in its error log; a quote or newline would end the field.
  if (!/["\n\r\0]/.test(value)) {
    writeFileSync(join(dir, 'error.log'), `2026/11/27 10:00:0${i % 10} [error] 21#21: *1 user "${value}": password mismatch, client: ${ip}, server: s.example.com, request: "GET ${path} HTTP/1.1", host: "s.example.com"\n`);
  }
}

/** The command inside a fix text: from `htpasswd` to the `)` that closes it outside quotes. */
function commandsIn(fix: string): string[] {
  const out: string[] = [];
  for (let start = fix.indexOf('(htpasswd '); start >= 0; start = fix.indexOf('(htpasswd ', start + 1)) {
    let quote = false;
    let i = start + 1;
    for (; i < fix.length && (quote || fix[i] !== ')'); i++) {
      if (fix[i] === "'") quote = !quote;
      else if (fix[i] === '\\' && !quote) i++;
    }
    out.push(fix.slice(start + 1, i));
  }
  return out;
}

/** Pasted into the stub shell: nothing but the stubs runs; with `whole`, the value reached a stub as one argument. */
function expectSafe(sh: ReturnType<typeof stubShell>, dir: string, command: string, value: string, whole: boolean) {
  const r = sh.run(command);
  expect(r.stderr, command).toBe('');
  expect(existsSync(join(dir, 'PWNED')), command).toBe(false);
  const args = r.calls.flat();
  if (whole && showable(value)) expect(args, command).toContain(value);
  return args;
}

describe('suggested commands are safe to paste', () => {
  it('fix texts of events, for every hostile user name', async () => {
    const root = tmp();
    HOSTILE.forEach(([, v], i) => hostileSite(join(root, `site${i}`), v, i));
    const out = spawnSync(process.execPath, [CLI, 'events', root, '--db', ':memory:', '--format', 'ndjson', '--quiet'], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    const events = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as { user: string | null; fix: string });
    const sh = stubShell(root);
    let checked = 0;
    for (const [name, value] of HOSTILE) {
      const mine = events.filter((e) => e.user === value);
      expect(mine.length, name).toBeGreaterThan(0);
      for (const e of mine) {
        const commands = commandsIn(e.fix);
        expect(commands.length, e.fix).toBeGreaterThan(0);
        for (const c of commands) {
          const args = expectSafe(sh, root, c, value, false);
          expect(args[0]).toBe('htpasswd');
          expect(args.at(-1)).toBe(showable(value) && value !== '' ? value : 'USER');
          if (!showable(value)) expect(e.fix).toContain('put it in place of USER');
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(HOSTILE.length * 2);
  });

  // Through the CLI for the worst of them (each run is a process); every template with every
  // value is checked in-process below.
  const WORST = HOSTILE.filter(([name]) => ['ampersand', 'command substitution', 'quote breaking out', 'newline', 'OSC title', 'bidi override'].includes(name));
  it("doctor's confirm commands, for hostile user names, paths and user agents", async () => {
    const root = tmp();
    const sh = stubShell(root);
    const results = await Promise.all(WORST.map(async ([, v], i) => {
      const dir = join(root, `site${i}`);
      hostileSite(dir, v, i);
      const { stdout } = await run(process.execPath, [CLI, 'doctor', dir, '--db', ':memory:', '--format', 'json', '--limit', '100']);
      return JSON.parse(stdout) as { findings: { confirm: string[]; notes: string[] }[] };
    }));
    let checked = 0;
    results.forEach((doc, i) => {
      const [name, value] = WORST[i];
      const confirm = doc.findings.flatMap((f) => f.confirm);
      expect(confirm.length, name).toBeGreaterThan(2);
      for (const c of confirm) {
        expectSafe(sh, root, c, value, /^curl -v -u /.test(c));
        checked++;
      }
      if (!showable(value)) expect(doc.findings.flatMap((f) => f.notes).join(' '), name).toMatch(/put it in place of/);
    });
    expect(checked).toBeGreaterThan(WORST.length * 3);
  });

  it('every playbook command with every hostile value in every slot', () => {
    const root = tmp();
    const sh = stubShell(root);
    const templates = [...Object.values(RULE_PLAYS), ...Object.values(TAG_PLAYS)].flatMap((p) => p.confirm);
    for (const [name, value] of HOSTILE) {
      const ex = { ip: value, user: value, method: 'GET', target: `/${value}`, host: value, scheme: 'https', user_agent: value, evidence: '[]', file: value, line: 1 };
      const rendered = templates.map((t) => fillCommand(t, ex, value, value));
      // One bash run per value that tries to break out (each command a line of one script);
      // the quoting itself is tested value by value in test/util/shell.test.ts.
      if (WORST.some(([n]) => n === name)) expectSafe(sh, root, rendered.map((r) => r.text).join('\n'), value, true);
      rendered.forEach((r, k) => {
        const t = templates[k];
        if (showable(value) || !/\{(user|file|ip|host|path|url|ua|access|errorlog)(:re)?\}/.test(t)) expect(r.notes, `${name}: ${t}`).toEqual([]);
        else expect(r.notes.length, `${name}: ${t}`).toBeGreaterThan(0);
      });
    }
  });
});

describe('output to a terminal', () => {
  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript).each(['table', 'csv'])('events --format %s on a pseudo-terminal carries no escape, C1 or bidi code point', (format) => {
    const root = tmp();
    HOSTILE.forEach(([, v], i) => hostileSite(join(root, `site${i}`), v, i));
    const db = join(root, 'a.db');
    spawnSync(process.execPath, [CLI, 'ingest', root, '--db', db, '--quiet']);
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    for (const cmd of [[CLI, 'events', '--db', db, '--format', format], [CLI, 'query', 'events', '--db', db, '--format', format]]) {
      const r = spawnSync('script', ['-qec', [process.execPath, ...cmd].map(quote).join(' '), '/dev/null'], { encoding: 'utf8', env: { ...process.env, TERM: 'xterm', COLUMNS: '200' } });
      expect(r.status).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(500);
      expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    }
  });
});

describe('every other output', () => {
  it('report (text, markdown, html) and doctor (text, markdown) carry no control, escape or bidi code point', () => {
    const root = tmp();
    HOSTILE.forEach(([, v], i) => hostileSite(join(root, `site${i}`), v, i));
    const db = join(root, 'a.db');
    spawnSync(process.execPath, [CLI, 'ingest', root, '--db', db, '--quiet']);
    for (const args of [['report', '--format', 'text'], ['report', '--format', 'markdown'], ['report', '--format', 'html'], ['doctor'], ['doctor', '--format', 'markdown']]) {
      const r = spawnSync(process.execPath, [CLI, ...args, '--db', db], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(300);
      expect(r.stdout, args.join(' ')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    }
  });

  it('the HTML report holds one script, its own (pinned by hash in its Content-Security-Policy), whatever the log says', () => {
    const root = tmp();
    const values = [...HOSTILE.map(([, v]) => v), '"><script>alert(1)</script>', "' onmouseover='alert(1)", '</table><img src=http://attacker.example/x>', 'javascript:alert(1)'];
    values.forEach((v, i) => hostileSite(join(root, `site${i}`), v, i));
    const db = join(root, 'a.db');
    spawnSync(process.execPath, [CLI, 'ingest', root, '--db', db, '--quiet']);
    const html = spawnSync(process.execPath, [CLI, 'report', '--db', db, '--format', 'html'], { encoding: 'utf8' }).stdout;
    expect(html.match(/<script/gi)).toHaveLength(1);
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1];
    expect(csp).toContain(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(csp).toMatch(/^default-src 'none';/);
    // nothing to load from anywhere, and no attribute a log value could open
    expect(html).not.toMatch(/<(img|iframe|object|embed|link)\b/i);
    // Text is escaped, so every tag is authlog's; with the quoted attribute values blanked,
    // what is left of the tags names no source and no handler.
    const tags = html.replace(/"[^"]*"/g, '""');
    expect(tags).not.toMatch(/<[^>]*\s(?:src|on\w+)\s*=/i);
    expect(html).not.toMatch(/<[^>]*\shref="(?!#)/);
    expect(html).not.toMatch(/="[^"]*"[^\s>/]/); // every attribute value ends where it should
    // drill links carry the value encoded, data attributes escaped
    expect(html).toContain(`href="#user=${encodeURIComponent('"><script>alert(1)</script>').replace(/'/g, '&#39;')}"`);
  });
});
