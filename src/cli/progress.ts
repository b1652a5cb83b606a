/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
import type { ProgressEvent } from '../ingest/ingest.js';
import { sanitize, truncate } from '../util/sanitize.js';

export function progressPrinter(stream: NodeJS.WriteStream): { update: (p: ProgressEvent) => void; done: () => void } | null {
  if (!stream.isTTY) return null;
  let drawn = false;
  return {
    update(p) {
      const width = Math.max(40, (stream.columns ?? 80) - 1);
      const name = truncate(sanitize(p.path), 30);
      const line = progressLine(p, name);
      stream.write(`\r${line.slice(0, width).padEnd(width)}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write(`\r${' '.repeat(Math.max(40, (stream.columns ?? 80) - 1))}\r`);
    },
  };
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(bytes < 10 * 1_048_576 ? 1 : 0)} MB`;

/** `[1/3] access.log 42 MB of 190 MB, 212,000 lines, 151,000 lines/s, ETA 0:58` (no total, no ETA: gzip, stdin). */
export function progressLine(p: ProgressEvent, name: string): string {
  const secs = p.seconds;
  const rate = secs > 0 ? p.lines / secs : 0;
  let line = `[${p.index}/${p.count}] ${name} ${mb(p.bytes)}${p.bytesTotal !== null ? ` of ${mb(p.bytesTotal)}` : ''}, ${p.lines.toLocaleString('en-US')} lines, ${Math.round(rate).toLocaleString('en-US')} lines/s`;
  if (p.bytesTotal !== null && p.bytes > 0 && secs > 0) {
    const left = Math.max(0, Math.round(((p.bytesTotal - p.bytes) / p.bytes) * secs));
    line += `, ETA ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  }
  return line;
}
