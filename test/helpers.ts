import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';

/** A fresh temporary directory per test, removed afterwards. */
export function useTempDir(): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), 'authlog-test-'));
    dirs.push(d);
    return d;
  };
}

export const REPO = join(import.meta.dirname, '..');
export const CLI = join(REPO, 'dist', 'src', 'cli', 'main.js');

/** A detached tmux session running `command`, with its screen and a wait for text on it. */
export function tmuxSession(name: string, width: number, height: number, command: string) {
  const tmux = (...args: string[]) => spawnSync('tmux', args, { encoding: 'utf8' });
  // Ink draws only a final frame when it sees CI set (as CI runs do): this is a real terminal.
  tmux('new-session', '-d', '-s', name, '-x', String(width), '-y', String(height), `env -u CI -u CONTINUOUS_INTEGRATION ${command}`);
  const screen = () => tmux('capture-pane', '-p', '-t', name).stdout;
  return {
    screen,
    keys: (...keys: string[]) => tmux('send-keys', '-t', name, ...keys),
    kill: () => tmux('kill-session', '-t', name),
    async waitFor(re: RegExp): Promise<void> {
      for (let i = 0; i < 100; i++) {
        if (re.test(screen())) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`screen never matched ${re}:\n${screen()}`);
    },
  };
}

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** Commands authlog's suggestions may call; in the sandbox each only records its argv. */
const STUBBED = ['htpasswd', 'curl', 'grep', 'tail', 'nginx', 'apachectl', 'awk', 'wc', 'sort', 'uniq', 'head', 'ls', 'wp', 'journalctl', 'fail2ban-client'];

/**
 * A bash whose PATH holds only stubs that record their argv: a suggested command pasted
 * into it may call those tools and nothing else, and each stub shows the arguments it got.
 */
export function stubShell(dir: string) {
  const bin = join(dir, 'bin');
  const log = join(dir, 'argv.log');
  mkdirSync(bin, { recursive: true });
  for (const name of STUBBED) {
    // Records NUL-separated arguments, one invocation per \x01 record; builtins only.
    writeFileSync(join(bin, name), `#!/bin/bash\n{ printf '%s\\0' "\${0##*/}" "$@"; printf '\\1\\0'; } >> '${log}'\n`, { mode: 0o755 });
  }
  return {
    /** Run one command line; returns the invocations it made and bash's stderr. */
    run(command: string): { calls: string[][]; stderr: string; status: number | null } {
      writeFileSync(log, '');
      const r = spawnSync('/bin/bash', ['--norc', '--noprofile', '-c', command], { cwd: dir, env: { PATH: bin, HOME: dir }, encoding: 'utf8', timeout: 5000 });
      const calls: string[][] = [];
      let cur: string[] = [];
      for (const a of readFileSync(log, 'utf8').split('\0').slice(0, -1)) {
        if (a === '\u0001') {
          calls.push(cur);
          cur = [];
        } else cur.push(a);
      }
      return { calls, stderr: r.stderr, status: r.status };
    },
  };
}
