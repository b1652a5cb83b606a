/**
 * Reads a fleet store through the ClickHouse versions of the named queries
 * (queries/clickhouse/NAME.sql): the same names, parameters and columns as the SQLite ones,
 * so reports, events, doctor and `authlog query` take `--store URL` and print the same shapes.
 * Every query also takes `host` (one server of the fleet, or all); parameters are bound by
 * ClickHouse ({name:Type} in the SQL), never spliced.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { AuthlogError } from '../errors.js';
import type { NamedQuery, Params, QueryReader } from '../store/queries.js';

export class ClickHouseReader implements QueryReader {
  readonly scope = null;
  /** Per-minute counts in a fleet store always carry their source. */
  readonly legacyTraffic = false;

  constructor(
    private readonly client: ClickHouseClient,
    readonly queries: Map<string, NamedQuery>,
    private readonly host: string | null = null,
  ) {}

  /** Marks are a single database's triage: a fleet report counts every 401/403. */
  hiddenByMarks(): number {
    return 0;
  }

  async all<T = Record<string, unknown>>(name: string, params: Params = {}): Promise<T[]> {
    const q = this.query(name);
    const result = await this.client.query({ query: q.sql.replace(/;\s*$/, ''), query_params: this.bind(q, params), format: 'JSONEachRow' });
    return (await result.json()) as T[];
  }

  /** Rows as they arrive, for long listings (events over a fleet). */
  async *iterate<T = Record<string, unknown>>(name: string, params: Params = {}): AsyncGenerator<T> {
    const q = this.query(name);
    const result = await this.client.query({ query: q.sql.replace(/;\s*$/, ''), query_params: this.bind(q, params), format: 'JSONEachRow' });
    for await (const rows of result.stream()) for (const row of rows) yield row.json() as T;
  }

  private query(name: string): NamedQuery {
    const q = this.queries.get(name);
    if (!q) throw new AuthlogError('unknown_query', `no query named "${name}" for a fleet store (authlog query --list --store URL shows them)`);
    return q;
  }

  private bind(q: NamedQuery, params: Params): Record<string, unknown> {
    const unknown = Object.keys(params).filter((k) => !q.params.includes(k));
    if (unknown.length > 0) throw new AuthlogError('bad_option', `query ${q.name} has no parameter ${unknown[0]} (it takes: ${q.params.join(', ') || 'none'})`);
    const bound: Record<string, unknown> = { host: this.host };
    for (const p of q.params) bound[p] = params[p] ?? null;
    return bound;
  }
}
