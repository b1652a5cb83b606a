/**
 * Starts the live dashboard. Keys are read from the terminal (/dev/tty), not stdin, because
 * stdin carries the log; without a terminal the dashboard still renders, without keys.
 */
import { openSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { ReadStream } from 'node:tty';
import { render } from 'ink';
import type { TickResult } from '../../live/session.js';
import { enterAlternateScreen } from '../screen.js';
import { LiveApp } from './app.js';
import { LiveStore } from './store.js';

export interface Dashboard {
  update(r: TickResult, totalLines: number): void;
  stop(): void;
}

function openTty(): ReadStream | null {
  try {
    return new ReadStream(openSync('/dev/tty', 'r'));
  } catch {
    return null;
  }
}

export function startDashboard(o: { stdout: NodeJS.WriteStream; title: string; onQuit: () => void }): Dashboard {
  const store = new LiveStore(o.title);
  const tty = openTty();
  const stdin = tty ?? (Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.ReadStream);
  const size = () => ({ width: Math.max(40, (o.stdout.columns ?? 80) - 1), height: Math.max(10, (o.stdout.rows ?? 24) - 1) });
  const app = () => <LiveApp store={store} {...size()} keys={tty !== null} onQuit={o.onQuit} />;
  const leaveScreen = enterAlternateScreen(o.stdout);
  const instance = render(app(), { stdout: o.stdout, stdin: stdin as NodeJS.ReadStream, exitOnCtrlC: false, patchConsole: false });
  const onResize = () => instance.rerender(app());
  o.stdout.on('resize', onResize);
  return {
    update: (r, totalLines) => store.apply(r, totalLines),
    stop() {
      o.stdout.off('resize', onResize);
      instance.unmount();
      instance.cleanup();
      tty?.setRawMode?.(false);
      tty?.destroy();
      leaveScreen();
    },
  };
}
