/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
import cliTruncate from 'cli-truncate';
import type { ProgressEvent } from '../ingest/ingest.js';
import { sanitize } from '../util/sanitize.js';

export interface ProgressPrinter {
  update: (p: ProgressEvent) => void;
  /** A stage after reading (classifying, re-deriving): shown until the next update or done. */
  stage: (text: string) => void;
  /** Clears the line, so that a summary line can be written on the same terminal. */
  clear: () => void;
  done: () => void;
}

export function progressPrinter(stream: NodeJS.WriteStream): ProgressPrinter | null {
  if (!stream.isTTY) return null;
  let drawn = false;
  const width = () => Math.max(40, (stream.columns ?? 80) - 1);
  const draw = (line: string) => {
    stream.write(`\r${cliTruncate(line, width()).padEnd(width())}`);
    drawn = true;
  };
  const clear = () => {
    if (drawn) stream.write(`\r${' '.repeat(width())}\r`);
    drawn = false;
  };
  return {
    update: (p) => draw(progressLine(p, width())),
    stage: (text) => draw(`… ${sanitize(text)}`),
    clear,
    done: clear,
  };
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(bytes < 10 * 1_048_576 ? 1 : 0)} MB`;

/**
 * `[1/3] /var/…/access.log 42 MB of 190 MB, 212,000 lines, 151,000 lines/s, ETA 0:58` (no
 * total, no ETA: gzip, stdin). The numbers always show: the path gives way, cut in its middle
 * so that its start and its file name remain.
 */
export function progressLine(p: ProgressEvent, width = 100): string {
  const secs = p.seconds;
  const rate = secs > 0 ? p.lines / secs : 0;
  let figures = `${mb(p.bytes)}${p.bytesTotal !== null ? ` of ${mb(p.bytesTotal)}` : ''}, ${p.lines.toLocaleString('en-US')} lines, ${Math.round(rate).toLocaleString('en-US')} lines/s`;
  if (p.bytesTotal !== null && p.bytes > 0 && secs > 0) {
    const left = Math.max(0, Math.round(((p.bytesTotal - p.bytes) / p.bytes) * secs));
    figures += `, ETA ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  }
  const index = `[${p.index}/${p.count}] `;
  const room = Math.max(12, width - index.length - figures.length - 1);
  return `${index}${cliTruncate(sanitize(p.path), room, { position: 'middle' })} ${figures}`;
}
