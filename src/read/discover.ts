/**
 * Expands the paths a user gives into the files to read, in order: a directory yields the
 * files inside it (recursively, hidden ones skipped), and rotated generations of one log
 * (`access.log.2.gz`, `access.log.1`, `access.log`) come oldest first so time runs forward.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AuthlogError } from '../errors.js';

const ROTATED = /^(.*?)(?:[.-](\d+))?(\.gz)?$/;

/**
 * `access.log.2.gz` → base `access.log`, age 2; `access.log` → age 0. A date suffix
 * (logrotate's dateext, `access.log-20261126.gz`) ages the other way: newer dates are larger.
 */
export function rotationOf(name: string): { base: string; generation: number } {
  const m = ROTATED.exec(name)!;
  if (m[2] === undefined) return { base: m[1], generation: m[3] ? 0.5 : 0 };
  const n = Number(m[2]);
  return { base: m[1], generation: m[2].length === 8 && n > 19_700_000 ? 30_000_000 - n : n };
}

/** Oldest first within one log's generations; logs themselves by name. */
export function orderRotated(paths: string[]): string[] {
  return [...paths].sort((a, b) => {
    const ra = rotationOf(basename(a));
    const rb = rotationOf(basename(b));
    const da = join(a, '..') + '/' + ra.base;
    const db = join(b, '..') + '/' + rb.base;
    if (da !== db) return da < db ? -1 : 1;
    return rb.generation - ra.generation;
  });
}

function walk(dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new AuthlogError('unreadable_input', `cannot read directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile()) out.push(full);
  }
}

export interface DiscoveredInput {
  path: string;
  /** True when the user named the file itself: an unrecognised format is then an error. */
  explicit: boolean;
}

export function discoverInputs(paths: string[]): DiscoveredInput[] {
  const out: DiscoveredInput[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push({ path: '-', explicit: true });
      continue;
    }
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      throw new AuthlogError('unreadable_input', `cannot read ${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
    }
    if (isDir) {
      const found: string[] = [];
      walk(p, found);
      for (const f of orderRotated(found)) out.push({ path: f, explicit: false });
    } else {
      out.push({ path: p, explicit: true });
    }
  }
  return out;
}
