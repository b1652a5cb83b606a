/**
 * The cause catalogue: every family's causes, signals, rules, fixes and doctor entries,
 * joined and checked. The closed vocabularies (causes, signals), the rule order, the
 * correlation's status table, `--help`'s cause list and the README's cause table are all
 * derived from here; adding a cause is one family entry (and a golden file proving it).
 */
import { allowList } from './allow-list.js';
import { forbidden } from './forbidden.js';
import { httpAuth } from './http-auth.js';
import { iis } from './iis.js';
import { tokens } from './tokens.js';
import type { EventFormat, Family, PatternDef, Play, RuleDef, RuleWhen, SignalDef, Status } from './types.js';
import { TIERS } from './types.js';
// types only: vocabulary.ts reads its causes from here
import type { Layer, Tag } from '../vocabulary.js';
import { userFile } from './user-file.js';
import { waf } from './waf.js';
import { wordpress } from './wordpress.js';

export type { CauseDef, EventFormat, Family, PatternDef, Play, RuleDef, RuleWhen, SignalDef, Status, Tier } from './types.js';
export { TIERS } from './types.js';
export { chunkedBytes, pluginSignal, PLUGIN_SAMPLES, REST_NONCE_BODY_BYTES } from './wordpress.js';
export { WORKED_FOR_MS } from './tokens.js';

/** Within a tier, rules are tried in this order; signal patterns are tried in it too. */
const FAMILY_LIST = [httpAuth, tokens, wordpress, userFile, waf, allowList, forbidden, iis] as const;
// Each family was checked against Family where it is written (`satisfies`).
export const FAMILIES = FAMILY_LIST as unknown as readonly Family[];

type Each = (typeof FAMILY_LIST)[number];
type CauseKeys<F> = F extends { causes: infer C } ? keyof C : never;
type SignalKeys<F> = F extends { signals: infer S } ? keyof S : never;
export type Cause = CauseKeys<Each> & string;
export type Signal = SignalKeys<Each> & string;

/** A rule as the engine reads it: tags and layers are checked against the vocabulary by the catalogue test. */
export type Rule = Omit<RuleDef<Cause, Signal>, 'when' | 'layer'> & {
  when: Omit<RuleWhen<Signal>, 'tag' | 'notTag'> & { tag?: Tag; notTag?: Tag };
  layer: Layer | 'event' | 'upstream';
};

function defined<T>(kind: string, entries: [string, T][]): Map<string, T> {
  const out = new Map<string, T>();
  for (const [name, value] of entries) {
    if (out.has(name)) throw new Error(`catalogue: ${kind} ${name} is defined twice`);
    out.set(name, value);
  }
  return out;
}

const causeDefs = defined('cause', FAMILIES.flatMap((f) => Object.entries(f.causes)));
const signalDefs = defined('signal', FAMILIES.flatMap((f) => Object.entries(f.signals)));
defined('rule', FAMILIES.flatMap((f) => f.rules.map((r) => [r.id, r] as [string, RuleDef])));

// References are checked when the module loads: a mistake fails every test, not a user's run.
for (const f of FAMILIES) {
  for (const r of f.rules) {
    const cause = causeDefs.get(r.cause);
    if (!cause) throw new Error(`catalogue: rule ${r.id} (${f.name}) gives undefined cause ${r.cause}`);
    if (!cause.statuses.includes(r.when.status)) throw new Error(`catalogue: rule ${r.id} gives ${r.cause} to a ${r.when.status}, which that cause does not explain`);
    for (const s of r.when.signal ?? []) if (!signalDefs.has(s)) throw new Error(`catalogue: rule ${r.id} reads undefined signal ${s}`);
    if ((r.needs === 'error_log') !== (r.when.signal !== undefined)) throw new Error(`catalogue: rule ${r.id}: an error_log rule names its signals, an access_log rule none`);
  }
}

export const CAUSES = [...causeDefs.keys()] as Cause[];
export const CAUSE_DEFS = causeDefs as ReadonlyMap<Cause, Family['causes'][string]>;
export const CAUSES_401 = CAUSES.filter((c) => causeDefs.get(c)!.statuses.includes(401));
export const CAUSES_403 = CAUSES.filter((c) => causeDefs.get(c)!.statuses.includes(403));

export const SIGNALS = [...signalDefs.keys()] as Signal[];
export const SIGNAL_DEFS = signalDefs as ReadonlyMap<Signal, SignalDef>;

/** Rules in the order they are tried: tier by tier, families in order within a tier. */
export const RULES: Rule[] = TIERS.flatMap((tier) => FAMILIES.flatMap((f) => f.rules.filter((r) => r.tier === tier))) as Rule[];

/** doctor's entry of each rule, by rule id. */
export const RULE_PLAYS: Record<string, Play> = Object.fromEntries(RULES.map((r) => [r.id, r.doctor]));

export interface SignalPattern extends PatternDef {
  signal: Signal;
}
/** Every pattern with its signal, in the order detection tries them. */
export const SIGNAL_PATTERNS: SignalPattern[] = [...signalDefs].flatMap(([signal, d]) => d.patterns.map((p) => ({ ...p, signal: signal as Signal })));

export const STATUS_OF = Object.fromEntries([...signalDefs].map(([s, d]) => [s, d.statuses])) as Record<Signal, Status[]>;
export const UNUSUAL_STATUS = Object.fromEntries([...signalDefs].filter(([, d]) => d.unusualStatus).map(([s, d]) => [s, d.unusualStatus])) as Partial<Record<Signal, Status>>;
export const CREDENTIAL_SIGNALS: ReadonlySet<Signal> = new Set([...signalDefs].filter(([, d]) => d.credentialsSent).map(([s]) => s as Signal));
export const SECONDARY_MS = Object.fromEntries([...signalDefs].filter(([, d]) => d.secondaryMs).map(([s, d]) => [s, d.secondaryMs])) as Partial<Record<Signal, number>>;

const USER_FILE_OBJECTS = new Set(SIGNAL_PATTERNS.filter((p) => p.objectIsUserFile).flatMap((p) => p.formats.map((f) => `${f} ${p.signal}`)));
/** Whether the object a line of this format and signal names is the server's user file. */
export function namesUserFile(format: EventFormat, signal: Signal): boolean {
  return USER_FILE_OBJECTS.has(`${format} ${signal}`);
}

/** `--help`'s cause list: name, statuses, what it means (wrapped under its column). */
export function causeHelp(indent = 2, width = 96): string {
  const name = Math.max(...CAUSES.map((c) => c.length));
  const column = indent + name + 2 + 7 + 2;
  return CAUSES.map((c) => {
    const d = causeDefs.get(c)!;
    const lines: string[] = [];
    let line = '';
    for (const word of d.summary.split(' ')) {
      if (line && column + line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
    return `${' '.repeat(indent)}${c.padEnd(name)}  ${d.statuses.join('/').padEnd(7)}  ${lines.join(`\n${' '.repeat(column)}`)}`;
  }).join('\n');
}

/** The README's cause table (between its `causes:start` and `causes:end` markers). */
export function causeTableMarkdown(): string {
  const rows = CAUSES.map((c) => {
    const d = causeDefs.get(c)!;
    return `| \`${c}\` | ${d.statuses.join(' / ')} | ${d.summary} | ${d.provenBy} | ${d.heuristic} |`;
  });
  return ['| cause | status | meaning | proven by | heuristic (access log alone) |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** A cause's colour (grey for a name the catalogue does not hold, say from an older database). */
export function causeColor(cause: string): `#${string}` {
  return causeDefs.get(cause)?.color ?? '#888888';
}
