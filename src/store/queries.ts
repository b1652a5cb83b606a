/**
 * Named queries: one `.sql` file each in queries/, shared by reports, `authlog query` and
 * the TUI. The header declares a description and the parameters, which are always bound
 * (never spliced into the SQL text); a parameter not given is NULL, meaning "no filter".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { AuthlogError } from '../errors.js';
import { getMeta, type Db } from './db.js';
import { clientNet } from '../util/net.js';

export interface NamedQuery {
  name: string;
  description: string;
  params: string[];
  /** Columns taken from one example row of a group: which row is each engine's choice. */
  example: string[];
  /** Columns only one engine can fill alike: a database's row ids and raw lines; a fleet store gives its own key, no raw line. */
  local: string[];
  sql: string;
}

/**
 * What reports, events, doctor and \`query\` read through: the SQLite database (QueryRunner)
 * or a fleet store (ClickHouseReader), by the same query names, parameters and columns.
 */
export interface QueryReader {
  all<T = Record<string, unknown>>(name: string, params?: Params): T[] | Promise<T[]>;
  hiddenByMarks(since: number | null, until: number | null): number | Promise<number>;
  readonly scope: readonly number[] | null;
  readonly legacyTraffic: boolean;
  readonly queries: Map<string, NamedQuery>;
}

/** The name this database's rows carry in a fleet (\`authlog ship --host\`, else this machine's name). */
export function localHost(db: Db): string {
  return getMeta(db, 'ship_host') ?? hostname();
}

export type Params = Record<string, string | number | null>;

export function loadQueries(dir: string): Map<string, NamedQuery> {
  const out = new Map<string, NamedQuery>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    const sql = readFileSync(join(dir, file), 'utf8');
    const description = /^-- description: (.*)$/m.exec(sql)?.[1].trim() ?? '';
    const list = (header: string) => (new RegExp(`^-- ${header}:(.*)$`, 'm').exec(sql)?.[1] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    const name = basename(file, '.sql');
    out.set(name, { name, description, params: list('params'), example: list('example'), local: list('local'), sql });
  }
  return out;
}

export class QueryRunner implements QueryReader {
  private readonly cache = new Map<string, ReturnType<Db['prepare']>>();

  /**
   * The queries read `report_verdicts` and `report_traffic`: verdicts less what triage
   * marked (or with `includeSuppressed` all of them), and, with `sources`, only the requests
   * of those sources (a report on named paths). Temporary views, so each connection chooses.
   */
  constructor(
    private readonly db: Db,
    readonly queries: Map<string, NamedQuery>,
    private readonly includeSuppressed = false,
    private readonly sources: readonly number[] | null = null,
  ) {
    const host = localHost(db);
    db.function('local_host', { deterministic: true }, () => host);
    db.function('client_net', { deterministic: true }, (ip: unknown) => (typeof ip === 'string' ? clientNet(ip) : ip));
    this.refreshView();
  }

  /**
   * (Re)defines the views; call after marks change. With no marks and no scope they are the
   * tables themselves, so the common case pays nothing; otherwise one indexed lookup each.
   */
  refreshView(): void {
    const marks = this.includeSuppressed ? false : (this.db.prepare('SELECT EXISTS (SELECT 1 FROM suppressions) AS any').get() as { any: number }).any === 1;
    for (const view of ['report_verdicts', 'scoped_verdicts', 'report_traffic', 'report_rejects', 'report_sources']) this.db.exec(`DROP VIEW IF EXISTS temp.${view}`);
    this.db.exec('DROP TABLE IF EXISTS temp.report_scope');
    if (this.sources === null) {
      this.db.exec('CREATE TEMP VIEW scoped_verdicts AS SELECT * FROM verdicts');
      this.db.exec('CREATE TEMP VIEW report_traffic AS SELECT * FROM traffic');
      this.db.exec('CREATE TEMP VIEW report_rejects AS SELECT * FROM rejects');
      this.db.exec('CREATE TEMP VIEW report_sources AS SELECT * FROM sources');
    } else {
      this.db.exec('CREATE TEMP TABLE report_scope (source_id INTEGER PRIMARY KEY)');
      const add = this.db.prepare('INSERT OR IGNORE INTO temp.report_scope VALUES (?)');
      for (const id of this.sources) add.run(id);
      this.db.exec(`CREATE TEMP VIEW scoped_verdicts AS SELECT v.* FROM verdicts v
        WHERE (SELECT r.source_id FROM requests r WHERE r.id = v.request_id) IN (SELECT source_id FROM temp.report_scope)`);
      // Counts a database made before traffic was kept per source (source 0) cannot be split by
      // file: they stay in, and the report's header says so (legacyTraffic).
      this.db.exec('CREATE TEMP VIEW report_traffic AS SELECT * FROM traffic WHERE source_id IN (SELECT source_id FROM temp.report_scope) OR source_id = 0');
      this.db.exec('CREATE TEMP VIEW report_rejects AS SELECT * FROM rejects WHERE source_id IN (SELECT source_id FROM temp.report_scope)');
      this.db.exec('CREATE TEMP VIEW report_sources AS SELECT * FROM sources WHERE id IN (SELECT source_id FROM temp.report_scope)');
    }
    this.db.exec(
      !marks
        ? 'CREATE TEMP VIEW report_verdicts AS SELECT * FROM scoped_verdicts'
        : `CREATE TEMP VIEW report_verdicts AS SELECT * FROM scoped_verdicts v
           WHERE NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.kind = 'client' AND x.value = v.ip)
             AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.kind = 'user' AND x.value = v.user)
             AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.kind = 'path' AND x.value = v.path)`,
    );
    this.cache.clear();
  }

  /** The database holds request counts from before they were kept per source (an older authlog's). */
  get legacyTraffic(): boolean {
    return this.db.prepare('SELECT EXISTS (SELECT 1 FROM traffic WHERE source_id = 0) AS any').pluck().get() === 1;
  }

  /** The sources a report covers: null for the whole database. */
  get scope(): readonly number[] | null {
    return this.sources;
  }

  /** How many 401/403s of [since, until) the marks leave out (0 with --all or no marks): said wherever counts are shown. */
  hiddenByMarks(since: number | null, until: number | null): number {
    if (this.includeSuppressed) return 0;
    const range = 'WHERE ts >= coalesce(?, -9223372036854775808) AND ts < coalesce(?, 9223372036854775807)';
    const all = (this.db.prepare(`SELECT count(*) AS n FROM scoped_verdicts ${range}`).get(since, until) as { n: number }).n;
    const shown = (this.db.prepare(`SELECT count(*) AS n FROM report_verdicts ${range}`).get(since, until) as { n: number }).n;
    return all - shown;
  }

  get(name: string): NamedQuery {
    const q = this.queries.get(name);
    if (!q) throw new AuthlogError('unknown_query', `no query named "${name}" (authlog query --list shows them)`);
    return q;
  }

  all<T = Record<string, unknown>>(name: string, params: Params = {}): T[] {
    return this.statement(name).all(this.bind(name, params)) as T[];
  }

  /** Streams rows without loading the whole result. */
  iterate<T = Record<string, unknown>>(name: string, params: Params = {}): IterableIterator<T> {
    return this.statement(name).iterate(this.bind(name, params)) as IterableIterator<T>;
  }

  private statement(name: string) {
    let stmt = this.cache.get(name);
    if (!stmt) {
      stmt = this.db.prepare(this.get(name).sql);
      this.cache.set(name, stmt);
    }
    return stmt;
  }

  private bind(name: string, params: Params): Params {
    const q = this.get(name);
    const unknown = Object.keys(params).filter((k) => !q.params.includes(k));
    if (unknown.length > 0) throw new AuthlogError('bad_option', `query ${name} has no parameter ${unknown[0]} (it takes: ${q.params.join(', ') || 'none'})`);
    const bound: Params = {};
    for (const p of q.params) bound[p] = params[p] ?? null;
    return bound;
  }
}
