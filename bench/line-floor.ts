/**
 * The per-line floor of an ingest, the counterpart of the SQLite floor: the access log read
 * in 1 MB chunks and cut into lines (no more), then the same with what one pass does for
 * every line in its fastest form: the byte scanner of the detected format, the client index
 * and the per-client success sums, with nothing around them (no pipeline, no classification,
 * no rows, no thread). Whatever else changes, an ingest in this code cannot be faster.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { detectFormat } from '../parsers/index.js';
import type { AccessBytesView } from '../parsers/types.js';
import { ClientIndex, SuccessAggregate } from '../src/store/success-aggregate.js';

const CHUNK = 1 << 20;

/** Calls `onLine(buf, start, end)` for each newline-ended line of `file`; the lines seen. */
function eachLine(file: string, onLine: ((buf: Buffer, start: number, end: number) => void) | null): number {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  let carry = 0;
  let position = 0;
  let lines = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, carry, buf.length - carry, position);
      if (n <= 0) break;
      position += n;
      const end = carry + n;
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl >= 0 && nl < end; nl = buf.indexOf(10, start)) {
        lines++;
        onLine?.(buf, start, nl);
        start = nl + 1;
      }
      // A line longer than the chunk is not in the bench's logs: dropped rather than grown for.
      carry = start === 0 ? 0 : end - start;
      if (carry > 0) buf.copy(buf, 0, start, end);
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}

export interface LineFloor {
  /** Reading and cutting into lines only. */
  splitMs: number;
  /** Plus the byte scanner, client ids, per-minute status counts and success sums. */
  fastPathMs: number;
  /** Lines the scanner declined (a real ingest parses those in full). */
  declined: number;
}

export function lineFloorMs(accessLog: string): LineFloor {
  const head = Buffer.alloc(64 * 1024);
  const fd = openSync(accessLog, 'r');
  const got = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const firstLines = head.subarray(0, got).toString('utf8').split('\n').slice(0, 50);
  const parser = detectFormat(firstLines, { year: new Date().getFullYear() });
  const scan = parser?.scanBytes;
  if (scan === undefined) throw new Error(`no byte scanner for ${accessLog} (${parser?.name ?? 'format not detected'})`);
  let t = performance.now();
  eachLine(accessLog, null);
  const splitMs = performance.now() - t;

  const clients = new ClientIndex();
  const sums = new SuccessAggregate(clients);
  const byStatus = new Int32Array(1000);
  const view: AccessBytesView = { ts: 0, offsetMin: 0, status: 0, ipStart: 0, ipEnd: 0, hasUser: false, https: false, pathStart: -1, pathEnd: -1 };
  let declined = 0;
  let minute = 0;
  t = performance.now();
  eachLine(accessLog, (buf, start, end) => {
    if (!scan(buf, start, end, view)) {
      declined++;
      return;
    }
    const m = Math.floor(view.ts / 60_000);
    if (m !== minute) {
      byStatus.fill(0);
      minute = m;
    }
    byStatus[view.status]++;
    const client = clients.idOfBytes(buf, view.ipStart, view.ipEnd);
    if (view.status >= 400 || view.pathStart < 0) return;
    let p = view.pathStart + 1;
    while (p < view.pathEnd && buf[p] !== 0x2f) p++;
    if (sums.add(client, sums.endpoints.idOf(buf, view.pathStart, p), view.ts, view.hasUser, view.https)) {
      for (const _ of sums.takeChanged()) void _;
      sums.reset();
    }
  });
  return { splitMs, fastPathMs: performance.now() - t, declined };
}
