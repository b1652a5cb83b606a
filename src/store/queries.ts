/**
 * Named queries: one `.sql` file each in queries/, shared by reports, `authlog query` and
 * the TUI. The header declares a description and the parameters, which are always bound
 * (never spliced into the SQL text); a parameter not given is NULL, meaning "no filter".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AuthlogError } from '../errors.js';
import type { Db } from './db.js';

export interface NamedQuery {
  name: string;
  description: string;
  params: string[];
  sql: string;
}

export type Params = Record<string, string | number | null>;

export function loadQueries(dir: string): Map<string, NamedQuery> {
  const out = new Map<string, NamedQuery>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    const sql = readFileSync(join(dir, file), 'utf8');
    const description = /^-- description: (.*)$/m.exec(sql)?.[1].trim() ?? '';
    const params = (/^-- params:(.*)$/m.exec(sql)?.[1] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    const name = basename(file, '.sql');
    out.set(name, { name, description, params, sql });
  }
  return out;
}

export class QueryRunner {
  private readonly cache = new Map<string, ReturnType<Db['prepare']>>();

  /**
   * The queries read `report_verdicts`: verdicts less what triage marked, or with
   * `includeSuppressed` all of them. A temporary view, so each connection chooses.
   */
  constructor(
    private readonly db: Db,
    readonly queries: Map<string, NamedQuery>,
    private readonly includeSuppressed = false,
  ) {
    this.refreshView();
  }

  /**
   * (Re)defines the view; call after marks change. With no marks it is the table itself, so
   * the common case pays nothing; otherwise one indexed lookup per kind of mark.
   */
  refreshView(): void {
    const marks = this.includeSuppressed ? false : (this.db.prepare('SELECT EXISTS (SELECT 1 FROM suppressions) AS any').get() as { any: number }).any === 1;
    this.db.exec('DROP VIEW IF EXISTS temp.report_verdicts');
    this.db.exec(
      !marks
        ? 'CREATE TEMP VIEW report_verdicts AS SELECT * FROM verdicts'
        : `CREATE TEMP VIEW report_verdicts AS SELECT * FROM verdicts v
           WHERE NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.kind = 'client' AND x.value = v.ip)
             AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.kind = 'user' AND x.value = v.user)
             AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.kind = 'path' AND x.value = v.path)`,
    );
    this.cache.clear();
  }

  /** How many 401/403s of [since, until) the marks leave out (0 with --all or no marks): said wherever counts are shown. */
  hiddenByMarks(since: number | null, until: number | null): number {
    if (this.includeSuppressed) return 0;
    const range = 'WHERE ts >= coalesce(?, -9223372036854775808) AND ts < coalesce(?, 9223372036854775807)';
    const all = (this.db.prepare(`SELECT count(*) AS n FROM verdicts ${range}`).get(since, until) as { n: number }).n;
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
