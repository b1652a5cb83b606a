/**
 * `--store URL` and `--host NAME`, shared by report, events, doctor and query: read a fleet
 * store (ClickHouse) instead of the local database, and one server of the fleet.
 */
import { z } from 'zod';
import { AuthlogError } from '../errors.js';
import { openStore, parseStoreUrl, storeError, type StoreUrl } from '../fleet/clickhouse.js';
import { ClickHouseReader } from '../fleet/reader.js';
import { loadQueries, localHost, type QueryReader } from '../store/queries.js';
import type { Db } from '../store/db.js';
import type { CommandIO } from './io.js';
import { packageFile } from './paths.js';

export const STORE_OPTIONS = { store: { type: 'string' }, host: { type: 'string' } } as const;

export const StoreOptionsSchema = z.object({
  store: z.string().min(1).optional(),
  host: z.string().min(1).max(253).optional(),
});

export const STORE_HELP = `Fleet (see authlog ship --help):
  --store URL                  read a fleet store instead of the database (clickhouse://user@host:8123/db,
                               chdb:DIR; default $AUTHLOG_STORE when set)
  --host NAME                  one server of the fleet (its name as it ships)
`;

export interface FleetReader {
  reader: ClickHouseReader;
  label: string;
  url: StoreUrl;
  close(): Promise<void>;
}

/** The fleet store named by --store (or AUTHLOG_STORE), or null for the local database. */
export async function openFleetReader(io: CommandIO, opts: { store?: string; host?: string }, positionals: string[]): Promise<FleetReader | null> {
  const store = opts.store ?? io.env.AUTHLOG_STORE;
  if (!store) return null;
  if (positionals.length > 0) throw new AuthlogError('bad_option', '--store reads what the fleet shipped: paths are read on each server (authlog ingest, then authlog ship)');
  const url = parseStoreUrl(store, io.env);
  let client;
  try {
    client = await openStore(url);
  } catch (e) {
    throw storeError(url, e);
  }
  const reader = new ClickHouseReader(client, loadQueries(packageFile('queries/clickhouse')), opts.host ?? null);
  return { reader, label: url.label, url, close: () => client.close() };
}

/** Runs a read against the store, turning its failures into one line. */
export async function fromStore<T>(fleet: FleetReader, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    throw storeError(fleet.url, e);
  }
}

/** On the local database, --host names this server or nothing: another host's rows are not here. */
export function localScope(db: Db, host: string | undefined, scope: readonly number[] | null): readonly number[] | null {
  if (host === undefined || host === localHost(db)) return scope;
  return [];
}

export type { QueryReader };
