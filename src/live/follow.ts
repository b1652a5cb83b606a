/**
 * Follows files and directories like `tail -F`: reads what is appended, survives rotation by
 * rename (the old file is read to its end first) and by truncation, and picks up new logs in
 * followed directories. A followed access log brings the error log and debug.log beside it.
 */
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { openFile } from '../read/open.js';
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
}

/**
 * Rotated generations and compressed archives do not grow: they are not followed. Nor is
 * NDJSON, which is what authlog itself writes (following its own output would loop).
 */
const ROTATED = /(?:[.-]\d+)(?:\.gz)?$|\.gz$|\.ndjson$/;
const READ_CHUNK = 1 << 20;

export class Follower {
  private readonly files = new Map<string, Followed>();
  /** Paths seen but not (yet) readable as a log: empty, or not recognised. */
  private readonly waiting = new Map<string, number>();
  private busy = false;

  constructor(
    private readonly session: LiveSession,
    private readonly paths: string[],
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
      else {
        out.add(p);
        addDir(dirname(p));
      }
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
          continue;
        }
        if (!st.isFile()) continue;
        const f = this.files.get(path);
        if (!f) {
          await this.open(path, st.size);
          continue;
        }
        if (st.ino !== f.ino || st.dev !== f.dev) {
          this.readToEnd(f); // renamed away: finish the old file, then start on the new one
          f.gone = true;
          this.stop(f);
          await this.open(path, st.size);
        } else if (st.size < f.pos) {
          this.stop(f); // truncated in place (copytruncate): new content from the start
          await this.open(path, st.size);
        } else if (st.size > f.pos) {
          this.readToEnd(f);
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private async open(path: string, size: number): Promise<void> {
    if (size === 0 || this.waiting.get(path) === size) return;
    const input = await openFile(path).catch(() => null);
    if (!input) return;
    const plan = this.session.plan(input, true);
    if (plan.status !== 'read' || !plan.parser) {
      this.waiting.set(path, size);
      return;
    }
    this.waiting.delete(path);
    // The same content read before (this file, or its earlier name): go on from there.
    const resume = plan.existing && plan.existing.offset <= size ? plan.existing : null;
    const pos = resume?.offset ?? 0;
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return;
    }
    const st = fstatSync(fd);
    const content = new PassThrough();
    const f: Followed = { path, fd, dev: st.dev, ino: st.ino, pos, content, gone: false };
    this.session.add({ ...plan, existing: resume }, content, pos, () => !f.gone);
    this.files.set(path, f);
    this.readToEnd(f);
  }

  private readToEnd(f: Followed): void {
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    for (;;) {
      let n: number;
      try {
        n = readSync(f.fd, buf, 0, READ_CHUNK, f.pos);
      } catch {
        return;
      }
      if (n <= 0) return;
      f.content.write(Buffer.from(buf.subarray(0, n)));
      f.pos += n;
    }
  }

  private stop(f: Followed): void {
    f.content.end();
    try {
      closeSync(f.fd);
    } catch {
      // already closed
    }
    this.files.delete(f.path);
  }

  /** Read what is left and end every file's stream. */
  close(): void {
    for (const f of [...this.files.values()]) {
      this.readToEnd(f);
      this.stop(f);
    }
  }

  get followed(): string[] {
    return [...this.files.keys()].map((p) => basename(p));
  }
}
