import { once } from 'node:events';
import type { Readable } from 'node:stream';

/** What a command may touch of the outside world; tests pass their own. */
export interface CommandIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
}

/**
 * Writes `text`, then, when the stream's buffer is full, waits for it to drain: a slow
 * reader of a pipe (`| jq`, `| less`) must not make authlog hold its whole output in memory
 * (the 5M bench's 403k events as NDJSON into a pipe: 1 GB resident without this).
 */
export async function writeOut(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}
