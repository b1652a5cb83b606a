import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressLine, progressPrinter } from '../../src/cli/progress.js';
import { CLI, useTempDir } from '../helpers.js';

const tmp = useTempDir();

const event = { path: '/var/log/nginx/access.log', index: 1, count: 3, lines: 200_000, bytes: 40 * 1_048_576, seconds: 2 };

describe('ingest progress', () => {
  it('shows bytes of the total, lines, lines/s and the time left', () => {
    expect(progressLine({ ...event, bytesTotal: 200 * 1_048_576 })).toBe(
      '[1/3] /var/log/nginx/access.log 40 MB of 200 MB, 200,000 lines, 100,000 lines/s, ETA 0:08',
    );
  });

  it('leaves out the total and the ETA when the size is unknown (gzip, stdin)', () => {
    expect(progressLine({ ...event, path: 'access.log.2.gz', bytes: 5 * 1_048_576, bytesTotal: null, seconds: 4 })).toBe('[1/3] access.log.2.gz 5.0 MB, 200,000 lines, 50,000 lines/s');
  });

  it('cuts a long path in its middle, so the numbers and the ETA always show', () => {
    const path = '/srv/www/customers/a-very-long-customer-name.example.com/logs/nginx/2026/11/access.log';
    const line = progressLine({ ...event, path, bytesTotal: 200 * 1_048_576 }, 80);
    expect(line.length).toBeLessThanOrEqual(80);
    expect(line).toMatch(/^\[1\/3\] \/srv\/www.*….*\.log 40 MB of 200 MB, 200,000 lines, 100,000 lines\/s, ETA 0:08$/);
  });

  it('draws nothing when stderr is not a terminal', () => {
    expect(progressPrinter(new PassThrough() as unknown as NodeJS.WriteStream)).toBeNull();
  });
});

describe('ingest tells as it goes', () => {
  it('draws the stages after reading on the same line, and clears it for a summary line', () => {
    let screen = '';
    const tty = { isTTY: true, columns: 60, write: (s: string) => ((screen += s), true) } as unknown as NodeJS.WriteStream;
    const p = progressPrinter(tty)!;
    p.update({ ...event, bytesTotal: null });
    p.stage('classifying the 401/403s that waited for the lines after them');
    expect(screen.split('\r').at(-1)).toMatch(/^… classifying the 401\/403s that wait.*…$/);
    p.clear();
    expect(screen.endsWith(`\r${' '.repeat(59)}\r`)).toBe(true);
  });

  it('writes each file\'s summary as soon as that file is done, not at the end', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.access.log'), '192.0.2.1 - - [27/Nov/2026:10:00:01 +0000] "GET / HTTP/1.1" 401 179 "-" "curl/8"\n');
    // b takes a while to read (some 300,000 lines): a's line must be out before it is done
    const line = (i: number) => `192.0.2.${i % 250} - - [27/Nov/2026:10:${String(Math.floor(i / 6000) % 60).padStart(2, '0')}:00 +0000] "GET /p${i % 97} HTTP/1.1" 200 10 "-" "curl/8"\n`;
    writeFileSync(join(dir, 'b.access.log'), Array.from({ length: 300_000 }, (_, i) => line(i)).join(''));
    const child = spawn(process.execPath, [CLI, 'ingest', join(dir, 'a.access.log'), join(dir, 'b.access.log'), '--db', join(dir, 'x.db')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let seenA: string | null = null;
    child.stdout!.on('data', (d) => {
      out += d;
      if (seenA === null && out.includes('a.access.log:')) seenA = out;
    });
    await new Promise((r) => child.on('exit', r));
    expect(seenA).toMatch(/a\.access\.log: access \(combined\); 1 lines read/);
    expect(seenA).not.toContain('b.access.log:');
    expect(out).toMatch(/b\.access\.log: access \(combined\); 300,000 lines read/);
  });
});
