import { render } from 'ink';
import { enterAlternateScreen } from '../screen.js';
import { TriageApp } from './app.js';
import type { TriageDeps } from './use-triage.js';

/** Runs the TUI until the user quits; follows terminal resizes. */
export function runTriage(deps: Omit<TriageDeps, 'onQuit'>, stdout: NodeJS.WriteStream, stdin: NodeJS.ReadStream): Promise<void> {
  return new Promise((resolve) => {
    const size = () => ({ width: Math.max(40, stdout.columns ?? 80), height: Math.max(12, (stdout.rows ?? 24) - 1) });
    let instance: ReturnType<typeof render> | null = null;
    const leaveScreen = enterAlternateScreen(stdout);
    const quit = () => {
      stdout.off('resize', onResize);
      instance?.unmount();
      leaveScreen();
      resolve();
    };
    const app = () => <TriageApp {...deps} {...size()} keys={stdin.isTTY === true} onQuit={quit} />;
    const onResize = () => instance?.rerender(app());
    stdout.on('resize', onResize);
    instance = render(app(), { stdout, stdin, exitOnCtrlC: true, patchConsole: false });
    void instance.waitUntilExit().then(() => {
      leaveScreen();
      resolve();
    });
  });
}
