/**
 * The TUI reads synchronously (each keypress re-reads its panels, as better-sqlite3 does on a
 * local database). Over a fleet store its queries run in a worker thread on the async client,
 * and the TUI waits for each answer (Atomics.wait on a shared flag, the answer taken with
 * receiveMessageOnPort): the pattern of synckit, in the few lines this needs.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { AuthlogError } from '../errors.js';
import type { Params } from '../store/queries.js';

const TIMEOUT_MS = 120_000;

export class SyncFleetReader {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    readonly label: string,
    url: string,
    host: string | null,
    env: NodeJS.ProcessEnv,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL('./sync-reader-worker.js', import.meta.url), {
      workerData: { url, host, env: { CLICKHOUSE_USER: env.CLICKHOUSE_USER, CLICKHOUSE_PASSWORD: env.CLICKHOUSE_PASSWORD }, port: port2, flag: this.flag },
      transferList: [port2],
    });
    this.worker.unref();
  }

  all<T = Record<string, unknown>>(name: string, params: Params = {}): T[] {
    Atomics.store(this.flag, 0, 0);
    this.worker.postMessage({ name, params });
    if (Atomics.wait(this.flag, 0, 0, TIMEOUT_MS) === 'timed-out') throw new AuthlogError('unavailable', `fleet store ${this.label}: no answer in ${TIMEOUT_MS / 1000} s`);
    const reply = receiveMessageOnPort(this.port)?.message as { rows?: T[]; error?: string; code?: string } | undefined;
    if (!reply) throw new AuthlogError('unavailable', `fleet store ${this.label}: the reader stopped`);
    if (reply.error !== undefined) throw new AuthlogError(reply.code === 'unknown_query' || reply.code === 'bad_option' ? reply.code : 'unavailable', reply.error);
    return reply.rows!;
  }

  /** Marks are a database's; nothing to refresh over a fleet store. */
  refreshView(): void {}

  async close(): Promise<void> {
    this.worker.postMessage({ close: true });
    await new Promise((resolve) => {
      this.worker.once('exit', resolve);
      setTimeout(() => void this.worker.terminate(), 5000).unref();
    });
  }
}
