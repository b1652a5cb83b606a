/**
 * Follows files and directories like `tail -F`: reads what is appended, survives rotation by
 * rename (the old file is read to its end first) and by truncation, and picks up new logs in
 * followed directories. A named access log brings its own error log and the debug.log beside
 * it, not the other sites' logs in its directory. A file never read before starts at its end
 * (what it holds already is not read, as tail -F); `fromStart` reads it whole; a file read
 * before goes on from where that stopped.
 */
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { openFile } from '../read/open.js';
import { skipTo } from '../store/sources.js';
import type { LiveSession } from './session.js';

interface Followed {
  path: string;
  fd: number;
  dev: number;
  ino: number;
  pos: number;
  content: PassThrough;
  /** Renamed or truncated away: its last line is complete even without a newline. */
  gone: boolean;
  /** Its first bytes and the last bytes read: to tell truncation and to find its copy. */
  head: Buffer;
  tail: Buffer;
  /** Reading waits for the session to take what was handed on ('drain'). */
  waiting: boolean;
}

/**
 * Rotated generations and compressed archives do not grow: they are not followed. Nor is
 * NDJSON, which is what authlog itself writes (following its own output would loop).
 */
const ROTATED = /(?:[.-]\d+)(?:\.gz)?$|\.gz$|\.ndjson$/;
/** Bytes read at a time (each handed on as its own copy: small ones keep few bytes in flight). */
const READ_CHUNK = 1 << 16;
const RETRY_ELSEWHERE_MS = 5_000;
const HEAD_BYTES = 1024;
const TAIL_BYTES = 512;

function readAt(fd: number, at: number, length: number): Buffer {
  const buf = Buffer.alloc(Math.max(0, length));
  let got = 0;
  try {
    while (got < length) {
      const n = readSync(fd, buf, got, length - got, at + got);
      if (n <= 0) break;
      got += n;
    }
  } catch {
    // unreadable now: compares unequal
  }
  return buf.subarray(0, got);
}

/**
 * The logs of a named file's own site: its error log by name (`access.log` → `error.log`,
 * `site-b.access.log` → `site-b.error.log`, `access_log` → `error_log`) and a debug.log beside
 * it; not the other sites' logs in the same directory.
 */
function ownNeighbours(path: string): string[] {
  const dir = dirname(path);
  const base = basename(path);
  const out = [join(dir, 'debug.log')];
  if (/access/i.test(base)) out.push(join(dir, base.replace(/access/i, (m) => (m === 'ACCESS' ? 'ERROR' : m[0] === 'A' ? 'Error' : 'error'))));
  return out.filter((p) => p !== path);
}

/** Where the file's complete lines end (after its last newline) and how many there are. */
function completeLines(fd: number, size: number): { offset: number; lines: number } {
  const buf = Buffer.allocUnsafe(READ_CHUNK);
  let lines = 0;
  let offset = 0;
  for (let at = 0; at < size; ) {
    const n = readSync(fd, buf, 0, Math.min(READ_CHUNK, size - at), at);
    if (n <= 0) break;
    for (let i = buf.indexOf(10, 0); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) {
      lines++;
      offset = at + i + 1;
    }
    at += n;
  }
  return { offset, lines };
}

export class Follower {
  private readonly files = new Map<string, Followed>();
  /** Paths seen but not (yet) readable as a log: empty, or not recognised. */
  private readonly waiting = new Map<string, number>();
  /** Paths another authlog follows, and when that was last found. */
  private readonly elsewhere = new Map<string, number>();
  private busy = false;
  /** Files there at the first round start at their end (unless fromStart); later ones are new content. */
  private firstRound = true;
  /** Named files not there yet: said once. */
  private readonly missing = new Set<string>();

  constructor(
    private readonly session: LiveSession,
    private readonly paths: string[],
    /** One line for the user (stderr): a file left to another process, a file waited for. */
    private readonly notice: (message: string) => void = () => {},
    private readonly o: { fromStart?: boolean } = {},
  ) {}

  /** Every path to follow now: the named files, the logs in named directories, and a named file's neighbours. */
  private candidates(): string[] {
    const out = new Set<string>();
    const addDir = (dir: string) => {
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      for (const n of names) if (!n.startsWith('.') && !ROTATED.test(n)) out.add(join(dir, n));
    };
    for (const p of this.paths) {
      let isDir = false;
      try {
        isDir = statSync(p).isDirectory();
      } catch {
        out.add(p); // not there yet: it may appear
        continue;
      }
      if (isDir) addDir(p);
      else for (const q of [p, ...ownNeighbours(p)]) out.add(q);
    }
    return [...out];
  }

  /** One round: open new logs, read what was appended, handle rotation and truncation. */
  async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const path of this.candidates()) {
        let st;
        try {
          st = statSync(path);
        } catch {
          if (this.firstRound && this.paths.includes(path) && !this.missing.has(path)) {
            this.missing.add(path);
            this.notice(`waiting for ${path} (not there yet)`);
          }
          continue;
        }
        if (!st.isFile()) continue;
        const f = this.files.get(path);
        if (!f) {
          await this.open(path, st.size);
          continue;
        }
        if (st.ino !== f.ino || st.dev !== f.dev) {
          // Renamed away: the old file is read to its end (at the session's pace), then
          // closed; the new one is started now.
          f.gone = true;
          this.files.delete(path);
          this.renamed.add(f);
          this.readToEnd(f);
          await this.open(path, st.size);
        } else if (st.size < f.pos || (st.size > f.pos && !this.sameHead(f))) {
          // Truncated in place (copytruncate), perhaps written again since: what was written
          // after the last read went to the copy; read it there, then the new content.
          this.readFromCopy(f);
          f.gone = true;
          this.stop(f);
          await this.open(path, st.size);
        } else if (st.size > f.pos) {
          this.readToEnd(f);
        }
      }
      this.firstRound = false;
    } finally {
      this.busy = false;
    }
  }

  private async open(path: string, size: number): Promise<void> {
    const named = this.paths.includes(path);
    if (size === 0 || this.waiting.get(path) === size) return;
    const held = this.elsewhere.get(path);
    if (held !== undefined && Date.now() - held < RETRY_ELSEWHERE_MS) return;
    const input = await openFile(path).catch(() => null);
    if (!input) return;
    const plan = this.session.plan(input, true);
    if (plan.status !== 'read' || !plan.parser) {
      // A file the user named that is not a log they can follow is said, once, not skipped quietly.
      if (named && plan.status === 'unrecognised' && !this.waiting.has(path)) this.notice(`${path}: not a log authlog recognises (binary, or another format: pass --format or --log-format); waiting for it to change`);
      this.waiting.set(path, size);
      return;
    }
    this.waiting.delete(path);
    const { row, heldBy } = this.session.claim(plan);
    if (heldBy !== null) {
      // Another authlog follows it: left alone, tried again now and then (it may stop).
      if (!this.elsewhere.has(path)) this.notice(`${path} is followed by another authlog (pid ${heldBy}): left to it`);
      this.elsewhere.set(path, Date.now());
      return;
    }
    this.elsewhere.delete(path);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return;
    }
    // Never read, there when following began: start at its end, as tail -F does.
    let startRow = row;
    if (this.firstRound && !this.o.fromStart && row.offset === 0 && row.lines === 0) {
      const end = completeLines(fd, size);
      if (end.offset > 0 && skipTo(this.session.db, row.id, end.offset, end.lines)) {
        startRow = { ...row, offset: end.offset, lines: end.lines };
        this.notice(`following ${path} from its end: its ${end.lines.toLocaleString('en-US')} line(s) already there are not read (--from-start reads them)`);
      }
    }
    // The same content read before (this file, or its earlier name): go on from there.
    const resume = startRow.offset <= size ? startRow : null;
    const pos = resume?.offset ?? 0;
    const st = fstatSync(fd);
    const content = new PassThrough();
    const head = readAt(fd, 0, Math.min(HEAD_BYTES, st.size));
    const f: Followed = { path, fd, dev: st.dev, ino: st.ino, pos, content, gone: false, head, tail: readAt(fd, Math.max(0, pos - TAIL_BYTES), Math.min(pos, TAIL_BYTES)), waiting: false };
    this.session.addClaimed({ ...plan, existing: resume }, startRow, content, pos, () => !f.gone);
    this.files.set(path, f);
    this.readToEnd(f);
  }

  /**
   * Hands on what the file holds past `f.pos`, as fast as the session takes it: when its
   * stream is full, reading goes on at 'drain' (catching up on a day's log never holds the
   * file in memory). A file renamed away is closed once read to its end.
   */
  private readToEnd(f: Followed): void {
    if (f.waiting) return;
    if (this.readSome(f) === 'full') {
      f.waiting = true;
      f.content.once('drain', () => {
        if (this.closing) return;
        f.waiting = false;
        if (this.files.get(f.path) === f || this.renamed.has(f)) this.readToEnd(f);
      });
      return;
    }
    if (this.renamed.has(f)) this.stop(f);
  }

  /** Hands on what the file holds past `f.pos` until its stream is full, or the file ends (or can no longer be read). */
  private readSome(f: Followed): 'full' | 'end' {
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    for (;;) {
      let n: number;
      try {
        n = readSync(f.fd, buf, 0, READ_CHUNK, f.pos);
      } catch {
        return 'end';
      }
      if (n <= 0 || f.content.destroyed) return 'end';
      if (!this.deliver(f, Buffer.from(buf.subarray(0, n)))) return 'full';
    }
  }

  private deliver(f: Followed, chunk: Buffer): boolean {
    const more = f.content.write(chunk);
    f.pos += chunk.length;
    f.tail = chunk.length >= TAIL_BYTES ? chunk.subarray(chunk.length - TAIL_BYTES) : Buffer.concat([f.tail, chunk]).subarray(-TAIL_BYTES);
    return more;
  }

  /** The file still starts with the bytes it started with when opened. */
  private sameHead(f: Followed): boolean {
    return readAt(f.fd, 0, f.head.length).equals(f.head);
  }

  /**
   * After copytruncate: the copy beside the file (`access.log.1`, `access.log-20261128`)
   * starts as the file did and holds, at the position read up to, the same last bytes;
   * what follows there was written before the truncation and is read now. False when no
   * such copy is found (then those lines are lost, as with any tail -F).
   */
  private readFromCopy(f: Followed): boolean {
    const dir = dirname(f.path);
    const base = basename(f.path);
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      return false;
    }
    for (const name of names) {
      if (name === base || !name.startsWith(base) || name.endsWith('.gz')) continue;
      let fd: number;
      try {
        fd = openSync(join(dir, name), 'r');
      } catch {
        continue;
      }
      try {
        const st = fstatSync(fd);
        if (!st.isFile() || st.size <= f.pos) continue;
        if (!readAt(fd, 0, f.head.length).equals(f.head) || !readAt(fd, f.pos - f.tail.length, f.tail.length).equals(f.tail)) continue;
        const rest = Buffer.allocUnsafe(READ_CHUNK);
        for (;;) {
          const n = readSync(fd, rest, 0, READ_CHUNK, f.pos);
          if (n <= 0) break;
          this.deliver(f, Buffer.from(rest.subarray(0, n)));
        }
        return true;
      } catch {
        continue;
      } finally {
        closeSync(fd);
      }
    }
    return false;
  }

  private stop(f: Followed): void {
    if (f.content.writableEnded) return;
    f.content.end();
    try {
      closeSync(f.fd);
    } catch {
      // already closed
    }
    if (this.files.get(f.path) === f) this.files.delete(f.path);
    this.renamed.delete(f);
  }

  /**
   * Read what is left and end every file's stream (the session must take it all: see
   * LiveSession.draining). Waits for the session at each full stream, so what is left after
   * a long catch-up is not read into memory at once.
   */
  async close(): Promise<void> {
    this.closing = true;
    for (const f of [...this.files.values(), ...this.renamed]) {
      if (f.waiting) await whenDrained(f.content);
      while (this.readSome(f) === 'full') await whenDrained(f.content);
      f.waiting = false;
      this.stop(f);
    }
  }

  /** Files renamed away and still being read to their end. */
  private readonly renamed = new Set<Followed>();
  /** close() reads what is left itself. */
  private closing = false;

  get followed(): string[] {
    return [...this.files.keys()].map((p) => basename(p));
  }
}

/** The stream has room again, or will never have (it ended, failed or was destroyed). */
function whenDrained(stream: PassThrough): Promise<void> {
  if (stream.destroyed || !stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      for (const e of ['drain', 'close', 'error'] as const) stream.off(e, done);
      resolve();
    };
    for (const e of ['drain', 'close', 'error'] as const) stream.on(e, done);
  });
}
