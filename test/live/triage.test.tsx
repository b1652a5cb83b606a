/** The triage TUI over a real database built from samples/ (plus a hostile line). */
import { appendFileSync, cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { render } from 'ink-testing-library';
import stripAnsi from 'strip-ansi';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/ingest.js';
import { classifyAll } from '../../src/classify/index.js';
import { openDb } from '../../src/store/db.js';
import { QueryRunner, loadQueries } from '../../src/store/queries.js';
import { TriageApp } from '../../src/tui/triage/app.js';
import { TRIAGE_KEYS } from '../../src/tui/triage/keys.js';
import { CLI, REPO, hasTmux, tmuxSession, useTempDir } from '../helpers.js';

const tmp = useTempDir();
const HOSTILE = '198.51.100.250 - \u001b]0;pwned\u0007管理者ユーザー [26/Nov/2026:12:00:00 +0100] "GET /\u001b[2J' + 'x'.repeat(300) + ' HTTP/1.1" 401 179 "-" "\u001b[31mEvil" "-"\n';

async function sampleDb(): Promise<{ path: string; dir: string }> {
  const dir = tmp();
  // The hand-written story (the lab's real output has its own tests).
  for (const d of ['nginx', 'apache', 'wordpress']) cpSync(join(REPO, 'samples', d), join(dir, 'samples', d), { recursive: true });
  appendFileSync(join(dir, 'samples', 'nginx', 'access.log'), HOSTILE);
  const path = join(dir, 'a.db');
  const db = openDb(path);
  await ingest(db, { paths: [join(dir, 'samples')], format: 'auto', keepAll: false });
  classifyAll(db);
  db.close();
  return { path, dir };
}

const tick = () => new Promise((r) => setTimeout(r, 60));

/** The TUI over a sample database at a size, with keys, as `authlog tui` opens it. */
async function openTriage(width: number, height: number) {
  const { path, dir } = await sampleDb();
  const db = openDb(path);
  const queries = new QueryRunner(db, loadQueries(join(REPO, 'queries')));
  const app = render(
    <TriageApp db={db} queries={queries} exportDir={dir} width={width} height={height} keys onQuit={() => {}} refreshMs={60_000}
      initial={{ range: 'all', since: null, until: null, text: null, tag: null, benign: false, pick: null }} />,
  );
  return { app, db, dir };
}

describe.each([80, 120])('triage TUI at %i columns', (width) => {
  it('drills from a cause to its events and an event to its evidence, within the screen, with no escape from the log', async () => {
    const { app, db, dir } = await openTriage(width, 24);
    const frame = () => app.lastFrame()!;
    const check = () => {
      expect(frame()).not.toMatch(/\u001b\]|\u0007|\u001b\[2J|\u001b\[31mEvil/);
      const lines = stripAnsi(frame()).split('\n');
      expect(lines.length).toBeLessThanOrEqual(24);
      for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(width);
    };
    await tick();
    check();
    expect(stripAnsi(frame())).toMatch(/causes \(\d+\)/);
    expect(stripAnsi(frame())).toMatch(/›401 bad_credentials/);
    app.stdin.write('/');
    await tick();
    for (const ch of '198.51.100.250') app.stdin.write(ch);
    app.stdin.write('\r');
    await tick();
    expect(stripAnsi(frame())).toMatch(/›401 bad_credentials +1 100%/);
    app.stdin.write('\r'); // into events
    await tick();
    app.stdin.write('\r'); // evidence
    await tick();
    check();
    expect(stripAnsi(frame())).toMatch(/access line .*access\.log:139/);
    // The access line itself, read from the file at its offset (the database keeps the offset, not the line).
    expect(stripAnsi(frame())).toMatch(/access line [^\n]*access\.log:139[^\n]*\n[^\n]*198\.51\.100\.250 - \S+ \[/);
    expect(stripAnsi(frame())).toContain('fix');
    app.stdin.write('e');
    await tick();
    expect(stripAnsi(frame())).toMatch(/exported \d+ event\(s\) to /);
    app.stdin.write('m');
    await tick();
    app.stdin.write('c');
    await tick();
    expect(stripAnsi(frame())).toMatch(/marked client 198\.51\.100\.250 as expected/);
    expect(db.prepare('SELECT kind, value, state FROM suppressions').all()).toEqual([{ kind: 'client', value: '198.51.100.250', state: 'expected' }]);
    app.unmount();
    db.close();
    expect(readdirSync(dir).some((f) => f.startsWith('authlog-export-'))).toBe(true);
  });
});

describe.each([[80, 24], [120, 40]])('triage TUI at %i×%i', (width, height) => {
  it('keeps its state and ? help / q quit visible, drills into a client and shows the log lines around an event', async () => {
    const { app, db } = await openTriage(width, height);
    const lines = () => stripAnsi(app.lastFrame()!).split('\n');
    await tick();
    expect(lines()[0]).toMatch(/^authlog tui · benign hidden · /);
    expect(lines().at(-1)).toMatch(/\? help  q quit\s*$/);
    for (const l of lines()) expect(stringWidth(l)).toBeLessThanOrEqual(width);
    // Tab to the top clients/users/paths, Enter on the first client: everything narrows to it.
    app.stdin.write('\t');
    await tick();
    const client = /^clients: (\S+) \(/.exec(lines().find((l) => l.startsWith('clients:'))!)![1];
    app.stdin.write('\r');
    await tick();
    expect(lines()[0]).toContain(`client ${client}`);
    const events = lines().filter((l) => /^[ ›]\d\d-\d\d \d\d:/.test(l));
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(e).toContain(client);
    expect(lines().at(-1)).toMatch(/\? help  q quit\s*$/);
    // Esc drops the pick.
    app.stdin.write('\u001b');
    await tick();
    expect(lines()[0]).not.toContain(`client ${client}`);
    app.unmount();
    db.close();
  });

  it('shows the access and error lines around a proven event, from the file and the database', async () => {
    const { app, db } = await openTriage(width, height);
    const frame = () => stripAnsi(app.lastFrame()!);
    await tick();
    app.stdin.write('/');
    await tick();
    for (const ch of '192.0.2.44') app.stdin.write(ch);
    app.stdin.write('\r');
    await tick();
    while (!/›401 user_not_found/.test(frame())) {
      app.stdin.write('j');
      await tick();
    }
    app.stdin.write('\r');
    await tick();
    app.stdin.write('\r');
    await tick();
    expect(frame()).toMatch(/around it/);
    // the event's own line from the file, marked, and the error line the database kept
    expect(frame()).toMatch(/› .*access\.log:\d+ 192\.0\.2\.44 /);
    expect(frame()).toMatch(/^ E error\.log:\d+ user "bob" was not found/m);
    app.unmount();
    db.close();
  });
});

describe('triage tag filter', () => {
  it('says how to show them when a benign tag is picked while benign events are hidden', async () => {
    const { app, db } = await openTriage(120, 24);
    await tick();
    app.stdin.write('g'); // the first tag: challenge
    await tick();
    expect(stripAnsi(app.lastFrame()!)).toContain('challenge events are benign and hidden: press b to show them');
    app.stdin.write('b');
    await tick();
    expect(stripAnsi(app.lastFrame()!)).toMatch(/benign shown/);
    app.unmount();
    db.close();
  });
});

describe('triage time ranges', () => {
  it('count back from now, as --since does, and an empty range says what the database holds', async () => {
    const { app, db } = await openTriage(120, 24);
    await tick();
    app.stdin.write('t'); // last hour: the samples are days old
    await tick();
    expect(stripAnsi(app.lastFrame()!)).toContain('no 401 or 403 in this range (ranges count back from now); the database holds 2026-11-24T');
    app.unmount();
    db.close();
  });
});

describe('triage keys', () => {
  it('has one table with every key the help screen lists', () => {
    expect(TRIAGE_KEYS.map((k) => k.action)).toEqual(expect.arrayContaining(['up', 'down', 'switch', 'enter', 'back', 'filter', 'range', 'mark', 'exportNdjson', 'help', 'quit']));
  });
});

describe.runIf(hasTmux)('triage TUI in a real terminal (tmux)', () => {
  it('opens over samples, drills into a cause and an event, marks a client and quits', async () => {
    const { path } = await sampleDb();
    const t = tmuxSession(`authlog-tui-${process.pid}`, 100, 26, `${process.execPath} ${CLI} tui --db ${path}; echo EXITED $?; sleep 30`);
    try {
      await t.waitFor(/causes \(\d+\)/);
      t.keys('j'); // second cause
      await t.waitFor(/›401 user_not_found/);
      t.keys('Enter');
      await t.waitFor(/events · 401 user_not_found · 1\//);
      t.keys('Enter');
      await t.waitFor(/access line .*access\.log/);
      t.keys('m');
      await t.waitFor(/mark expected: c client/);
      t.keys('c');
      await t.waitFor(/marked client .* as expected/);
      t.keys('q');
      await t.waitFor(/EXITED 0/);
      const marks = new Database(path, { readonly: true }).prepare('SELECT kind, state FROM suppressions').all();
      expect(marks).toEqual([{ kind: 'client', state: 'expected' }]);
    } finally {
      t.kill();
    }
  });

  it.each([[80, 24], [120, 40]])('at %i×%i shows its state and ? help / q quit, and quitting gives the terminal back (alternate screen)', async (width, height) => {
    const { path } = await sampleDb();
    const t = tmuxSession(`authlog-tui-alt-${process.pid}-${width}`, width, height, `sh -c 'echo BEFORE-THE-TUI; ${process.execPath} ${CLI} tui --db ${path}; echo EXITED $?; sleep 30'`);
    try {
      await t.waitFor(/causes \(\d+\)/);
      const lines = t.screen().split('\n').filter((l) => l.trim() !== '');
      expect(lines[0]).toMatch(/^authlog tui · benign hidden/);
      expect(lines.at(-1)).toMatch(/\? help  q quit\s*$/);
      expect(t.screen()).not.toContain('BEFORE-THE-TUI');
      t.keys('q');
      await t.waitFor(/EXITED 0/);
      expect(t.screen()).toContain('BEFORE-THE-TUI');
      expect(t.screen()).not.toMatch(/causes \(\d+\)/);
    } finally {
      t.kill();
    }
  });
});
