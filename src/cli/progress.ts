/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
import type { ProgressEvent } from '../ingest/ingest.js';
import { sanitize, truncate } from '../util/sanitize.js';

export function progressPrinter(stream: NodeJS.WriteStream): { update: (p: ProgressEvent) => void; done: () => void } | null {
  if (!stream.isTTY) return null;
  let started = performance.now();
  let current = '';
  let drawn = false;
  return {
    update(p) {
      if (p.path !== current) {
        current = p.path;
        started = performance.now();
      }
      const secs = (performance.now() - started) / 1000;
      const rate = secs > 0 ? p.lines / secs : 0;
      const width = Math.max(40, (stream.columns ?? 80) - 1);
      const name = truncate(sanitize(p.path), 30);
      const line = `[${p.index}/${p.count}] ${name} ${p.lines.toLocaleString('en-US')} lines, ${Math.round(rate).toLocaleString('en-US')} lines/s`;
      stream.write(`\r${line.slice(0, width).padEnd(width)}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write(`\r${' '.repeat(Math.max(40, (stream.columns ?? 80) - 1))}\r`);
    },
  };
}
