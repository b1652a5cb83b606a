/**
 * The HTML report in a real browser (Debian's chromium, headless): a screenshot at 1280 px,
 * the DOM after its script ran holding the report's figures, and drill-down by address
 * (`#client=…`, `#cause=…`) narrowing the events table to what the database says.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageFile } from '../src/cli/paths.js';
import { authlog } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'authlog-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const samples = packageFile('samples');
const db = join(dir, 'a.db');
const html = join(dir, 'report.html');

/** Chromium as root in a container needs --no-sandbox; its own profile keeps runs apart. */
function chromium(args: string[]): string {
  const r = spawnSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${join(dir, 'profile')}`, ...args], { encoding: 'utf8', timeout: 90_000 });
  if (r.status !== 0) throw new Error(`chromium ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

describe('the HTML report in headless Chromium', () => {
  authlog(['report', samples, '--db', db, '-q', '-o', html]);
  const json = JSON.parse(authlog(['report', '--db', db, '--format', 'json']).stdout);
  const events = authlog(['events', '--db', db, '--format', 'ndjson']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { ip: string; cause: string });

  it('renders at 1280 px', () => {
    const png = join(dir, 'report.png');
    chromium([`--screenshot=${png}`, '--window-size=1280,2400', `file://${html}`]);
    const head = readFileSync(png);
    expect(head.subarray(1, 4).toString()).toBe('PNG');
    expect(head.readUInt32BE(16)).toBe(1280); // IHDR width
    expect(head.length).toBeGreaterThan(50_000); // a page, not a blank
  });

  it('holds the report\'s figures once its script has run, and every event to drill into', () => {
    const dom = chromium(['--dump-dom', `file://${html}`]);
    expect(dom).toContain(`requests <b>${json.requests.toLocaleString("en-US")}</b>`);
    expect(dom).toContain(`401 <b>${json.unauthorized.toLocaleString("en-US")}</b>`);
    expect(dom).toContain(`403 <b>${json.forbidden.toLocaleString("en-US")}</b>`);
    for (const cause of Object.keys(json.causes)) expect(dom).toContain(`href="#cause=${cause}"`);
    expect(dom).toMatch(new RegExp(`data-shown="${Math.min(1000, events.length)}"`));
    expect(dom).toMatch(/<p id="filter" hidden="">/);
  });

  it.each([
    ['client', '45.95.147.236', (e: { ip: string; cause: string }) => e.ip === '45.95.147.236'],
    ['cause', 'user_not_found', (e: { ip: string; cause: string }) => e.cause === 'user_not_found'],
  ] as const)('#%s=%s: only those events', (kind, value, pick) => {
    const dom = chromium(['--dump-dom', `file://${html}#${kind}=${encodeURIComponent(value)}`]);
    const want = events.filter(pick).length;
    expect(want).toBeGreaterThan(0);
    expect(dom).toContain(`data-shown="${want}"`);
    expect(dom).toMatch(new RegExp(`<p id="filter">showing the <span>${want}</span> event\\(s\\) of <b>${kind} ${value}</b>`));
  });
});
