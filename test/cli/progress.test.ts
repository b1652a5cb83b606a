import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressLine, progressPrinter } from '../../src/cli/progress.js';

const event = { path: '/var/log/nginx/access.log', index: 1, count: 3, lines: 200_000, bytes: 40 * 1_048_576, seconds: 2 };

describe('ingest progress', () => {
  it('shows bytes of the total, lines, lines/s and the time left', () => {
    expect(progressLine({ ...event, bytesTotal: 200 * 1_048_576 }, 'access.log')).toBe(
      '[1/3] access.log 40 MB of 200 MB, 200,000 lines, 100,000 lines/s, ETA 0:08',
    );
  });

  it('leaves out the total and the ETA when the size is unknown (gzip, stdin)', () => {
    expect(progressLine({ ...event, bytes: 5 * 1_048_576, bytesTotal: null, seconds: 4 }, 'access.log.2.gz')).toBe('[1/3] access.log.2.gz 5.0 MB, 200,000 lines, 50,000 lines/s');
  });

  it('draws nothing when stderr is not a terminal', () => {
    expect(progressPrinter(new PassThrough() as unknown as NodeJS.WriteStream)).toBeNull();
  });
});
