/**
 * The shape of a cause family: the causes it names, the log messages (signals) that state
 * them, the rules that turn facts into verdicts, and what doctor and help say about each.
 * Families name causes and signals as plain strings; src/classify/catalogue/index.ts joins
 * them, checks every reference, and derives the closed vocabularies from what is defined.
 */
import type { LogEvent } from '../../../parsers/index.js';

export type Status = 401 | 403;
export type EventFormat = LogEvent['format'];

export interface CauseDef {
  /** The statuses it explains: a 401 cause is never given to a 403, and the other way round. */
  statuses: Status[];
  /** One line for `--help`: what it means to the operator. */
  summary: string;
  /** Its colour wherever causes are drawn: the HTML report, the text report and the TUIs on a terminal. */
  color: `#${string}`;
  /** The README's cause table: what proves it, and what the access log alone suggests. */
  provenBy: string;
  heuristic: string;
}

export interface PatternDef {
  formats: EventFormat[];
  re: RegExp;
  /** Capture group holding the user name, and the one naming the file or URI. */
  user?: number;
  object?: number;
  /** The object is the server's user file (fixes name it in `htpasswd FILE USER`). */
  objectIsUserFile?: boolean;
  /**
   * Messages it states (from the servers' sources, fail2ban's test logs and the lab): each
   * must be claimed by this pattern and no earlier one.
   */
  samples: string[];
  /** Real messages that look alike and must not be claimed by this pattern. */
  negatives?: string[];
}

export interface SignalDef {
  /** What the message states, for the catalogue's help. */
  meaning: string;
  /** Statuses of the requests it can explain (correlation pairs no other). */
  statuses: Status[];
  /** A status it explains rarely: such pairs are made after all usual ones. */
  unusualStatus?: Status;
  /**
   * The message says credentials came (refused ones): when a client repeats a request within
   * the window, the line belongs to the retry, not the anonymous first leg of a challenge.
   */
  credentialsSent?: boolean;
  /** When one request wrote several lines, this one yields to the others by this much (ms). */
  secondaryMs?: number;
  /** None for signals only WordPress's plugin mapping gives (see wordpress.ts). */
  patterns: PatternDef[];
}

/**
 * Rules are tried tier by tier, and within a tier in the families' order: what a log line
 * states beats an endpoint's signature, which beats the logged challenge, the server's own
 * reason fields, the client's history, and last what the access line alone shows.
 */
export const TIERS = ['stated', 'endpoint', 'challenge', 'server_field', 'history', 'access', 'fallback'] as const;
export type Tier = (typeof TIERS)[number];

export interface RuleWhen<S extends string = string> {
  status: Status;
  /** The correlated event must state one of these. */
  signal?: S[];
  /** `present`: a user name was sent; `absent`: the format logs users and none was sent. */
  user?: 'present' | 'absent' | 'unlogged';
  path?: RegExp;
  /** The request's method (a CORS preflight is an OPTIONS). */
  method?: RegExp;
  bytes?: number[];
  tag?: string;
  notTag?: string;
  /** previously_ok with (true) or without (false) a Basic user on the earlier successes. */
  priorBasic?: boolean;
  /** previously_ok, the first success at least this long before (ms): a credential that stopped working had worked for a while. */
  workedForMs?: number;
  /** The WWW-Authenticate challenge the server sent, when the format logs it. */
  challenge?: RegExp;
  /** Format-specific fields the access line itself carries (IIS's substatus, HAProxy's server). */
  extra?: Record<string, RegExp>;
}

/** What an expert would check next: a title, and the exact commands that confirm it. */
export interface Play {
  title: string;
  confirm: string[];
}

export interface RuleDef<C extends string = string, S extends string = string> {
  id: string;
  cause: C;
  tier: Tier;
  /** What the rule reads: an explaining error-log line, or the access log alone. */
  needs: 'error_log' | 'access_log';
  when: RuleWhen<S>;
  confidence: 'proven' | 'heuristic';
  /**
   * `event` takes the layer from the correlated line's log. `upstream`: whoever answered,
   * which `$upstream_status` tells when logged; else `unknown`.
   */
  layer: string;
  /** For heuristics, what was inferred; for proven rules, shown before the evidence line. */
  evidence: string;
  /** A template filled from the evidence ({user}, {file}, {fileArg}, {object}, {path}, {host}, {ip}). */
  fix: string;
  /** doctor's entry: templates filled from an example request. */
  doctor: Play;
}

export interface Family {
  /** The module's name, for messages. */
  name: string;
  causes: Record<string, CauseDef>;
  signals: Record<string, SignalDef>;
  rules: RuleDef[];
}
