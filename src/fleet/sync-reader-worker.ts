/** The worker of SyncFleetReader: runs each named query on the fleet store and answers on the port. */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { AuthlogError } from '../errors.js';
import { loadQueries } from '../store/queries.js';
import { packageFile } from '../cli/paths.js';
import { openStore, parseStoreUrl, storeError } from './clickhouse.js';
import { ClickHouseReader } from './reader.js';

const { url, host, env, port, flag } = workerData as { url: string; host: string | null; env: NodeJS.ProcessEnv; port: MessagePort; flag: Int32Array };
const store = parseStoreUrl(url, env);
const client = openStore(store);
const queries = loadQueries(packageFile('queries/clickhouse'));

const answer = (message: unknown) => {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
};

parentPort!.on('message', (m: { name?: string; params?: Record<string, string | number | null>; close?: boolean }) => {
  if (m.close) {
    void client.then((c) => c.close()).finally(() => process.exit(0));
    return;
  }
  void (async () => {
    try {
      const reader = new ClickHouseReader(await client, queries, host);
      answer({ rows: await reader.all(m.name!, m.params ?? {}) });
    } catch (e) {
      const err = e instanceof AuthlogError ? e : storeError(store, e);
      answer({ error: err.message, code: err.code });
    }
  })();
});
