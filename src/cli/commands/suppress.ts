/** `authlog suppress list|add|remove`: the triage marks, outside the TUI. */
import { z } from 'zod';
import { AuthlogError } from '../../errors.js';
import { defaultDbPath, openDb } from '../../store/db.js';
import { addSuppression, listSuppressions, removeSuppression } from '../../store/suppressions.js';
import { sanitize } from '../../util/sanitize.js';
import { isoUtc } from '../../util/time.js';
import { parse, validate } from '../args.js';
import type { CommandIO } from '../io.js';

export const SUPPRESS_HELP = `Usage: authlog suppress list
       authlog suppress add client|user|path VALUE [--handled]
       authlog suppress remove ID | client|user|path VALUE

Marked clients, users and paths (an uptime monitor, a known scanner, a fixed problem) are
left out of events, reports, doctor and the live view; --all there shows them again.
A mark is "expected" unless --handled is given. Options: --db PATH.
`;

const Kind = z.enum(['client', 'user', 'path']);

/** What is marked, said as the usage line says it (there is no --kind option to name). */
function kindOf(word: string | undefined, action: string): z.infer<typeof Kind> {
  const r = Kind.safeParse(word);
  if (r.success) return r.data;
  if (word !== undefined) throw new AuthlogError('bad_option', `suppress ${action}: "${sanitize(word)}" is not client, user or path`);
  throw new AuthlogError('bad_option', action === 'add'
    ? 'suppress add needs what to mark: client, user or path, then its VALUE'
    : 'suppress remove needs an ID (authlog suppress list shows them), or client, user or path and its VALUE');
}

export async function runSuppress(io: CommandIO, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { db: { type: 'string' }, handled: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  const [action, ...rest] = positionals;
  if (values.help || !action) {
    io.stdout.write(SUPPRESS_HELP);
    return values.help ? 0 : 2;
  }
  const opts = validate(z.object({ db: z.string().optional(), handled: z.boolean().default(false) }), values);
  const db = openDb(opts.db ?? defaultDbPath(io.env), 'existing');
  try {
    if (action === 'list') {
      const rows = listSuppressions(db);
      for (const r of rows) io.stdout.write(`${String(r.id).padStart(4)}  ${r.kind.padEnd(6)} ${r.state.padEnd(8)} ${isoUtc(r.created_at)}  ${sanitize(r.value)}\n`);
      if (rows.length === 0) io.stdout.write('no marks\n');
    } else if (action === 'add') {
      const kind = kindOf(rest[0], 'add');
      if (!rest[1]) throw new AuthlogError('bad_option', 'suppress add needs a VALUE');
      addSuppression(db, kind, rest[1], opts.handled ? 'handled' : 'expected');
      io.stdout.write(`marked ${kind} ${sanitize(rest[1])} as ${opts.handled ? 'handled' : 'expected'}\n`);
    } else if (action === 'remove') {
      const n = /^\d+$/.test(rest[0] ?? '') ? removeSuppression(db, Number(rest[0])) : removeSuppression(db, kindOf(rest[0], 'remove'), rest[1]);
      if (n === 0) throw new AuthlogError('bad_option', 'no such mark (authlog suppress list shows them)');
      io.stdout.write(`removed ${n} mark(s)\n`);
    } else {
      throw new AuthlogError('bad_option', `suppress: unknown action "${action}" (list, add or remove)`);
    }
  } finally {
    db.close();
  }
  return 0;
}
