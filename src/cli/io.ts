import type { Readable } from 'node:stream';

/** What a command may touch of the outside world; tests pass their own. */
export interface CommandIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
}
