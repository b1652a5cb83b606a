/** The lab runs authlog as a user does: the built CLI, batch and live. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { packageFile } from '../src/cli/paths.js';
import type { EventRow } from '../src/report/event-rows.js';

export const CLI = packageFile('dist/src/cli/main.js');

/** A batch command's stdout; a non-zero exit fails the lab with authlog's own words. */
export function authlog(args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`authlog ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** An authlog live process whose NDJSON lines are collected with the time each arrived. */
export function live(args: string[], stdin?: NodeJS.ReadableStream): { child: ChildProcess; got: { at: number; event: EventRow }[] } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'inherit'] });
  if (stdin) stdin.pipe(child.stdin!);
  const got: { at: number; event: EventRow }[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const p of parts) if (p.trim()) got.push({ at: Date.now(), event: JSON.parse(p) as EventRow });
  });
  return { child, got };
}

export const stopped = (c: ChildProcess) => new Promise<number | null>((resolve) => (c.exitCode !== null ? resolve(c.exitCode) : c.once('exit', (code) => resolve(code))));
