import { mkdtempSync, rmSync } from 'node:fs';
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
