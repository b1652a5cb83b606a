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

/**
 * A link inside a directory is followed only to a regular file (logrotate setups link logs);
 * a link to a directory is not walked (loops), and a dangling or looping link is named once
 * in `warnings` instead of vanishing.
 */
function walk(dir: string, out: string[], warnings: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new AuthlogError('unreadable_input', `cannot read directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out, warnings);
    else if (entry.isFile()) out.push(full);
    else if (entry.isSymbolicLink()) {
      try {
        const st = statSync(full);
        if (st.isFile()) out.push(full);
        else warnings.push(`${full}: a link to ${st.isDirectory() ? 'a directory' : 'something that is not a file'}, not followed`);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        warnings.push(`${full}: ${code === 'ELOOP' ? 'a symbolic link loop' : code === 'ENOENT' ? 'a dangling symbolic link' : `cannot follow the link (${code ?? (e as Error).message})`}, skipped`);
      }
    }
  }
}

export interface DiscoveredInput {
  path: string;
  /** True when the user named the file itself: an unrecognised format is then an error. */
  explicit: boolean;
}

export function discoverInputs(paths: string[]): { inputs: DiscoveredInput[]; warnings: string[] } {
  const out: DiscoveredInput[] = [];
  const warnings: string[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push({ path: '-', explicit: true });
      continue;
    }
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new AuthlogError('unreadable_input', `cannot read ${p}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'ELOOP' ? 'a symbolic link loop' : (e as Error).message}`);
    }
    if (isDir) {
      const found: string[] = [];
      walk(p, found, warnings);
      for (const f of orderRotated(found)) out.push({ path: f, explicit: false });
    } else {
      out.push({ path: p, explicit: true });
    }
  }
  return { inputs: out, warnings };
}
