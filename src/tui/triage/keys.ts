/** The TUI's key map: one table drives the input handling and the help screen. */
export type TriageAction =
  | 'up' | 'down' | 'pageUp' | 'pageDown' | 'switch' | 'enter' | 'back' | 'filter' | 'range' | 'tag' | 'benign' | 'mark' | 'markHandled'
  | 'exportNdjson' | 'exportCsv' | 'refresh' | 'help' | 'quit';

export interface TriageKey {
  keys: string[];
  /** What the help screen shows for the key. */
  label: string;
  help: string;
  action: TriageAction;
  /** Shown in the footer line under this short name. */
  footer?: string;
}

export const TRIAGE_KEYS: TriageKey[] = [
  { keys: ['up', 'k'], label: '↑/k', help: 'move up', action: 'up' },
  { keys: ['down', 'j'], label: '↓/j', help: 'move down', action: 'down' },
  { keys: ['pageUp'], label: 'PgUp', help: 'page up', action: 'pageUp' },
  { keys: ['pageDown'], label: 'PgDn', help: 'page down', action: 'pageDown' },
  { keys: ['tab'], label: 'Tab', help: 'next pane: causes, their top clients/users/paths, events', action: 'switch', footer: 'pane' },
  { keys: ['return'], label: 'Enter', help: 'drill in: a cause or a client/user/path to its events, an event to its evidence and the log lines around it', action: 'enter', footer: 'drill' },
  { keys: ['escape'], label: 'Esc', help: 'back; on the main screen, drop the picked client, user or path', action: 'back', footer: 'back' },
  { keys: ['/'], label: '/', help: 'filter by client, user or path (Enter applies, Esc clears)', action: 'filter', footer: 'filter' },
  { keys: ['t'], label: 't', help: 'time range: all, last hour, day, week (counted back from now, as --since)', action: 'range', footer: 'range' },
  { keys: ['g'], label: 'g', help: 'filter by tag (cycles)', action: 'tag', footer: 'tag' },
  { keys: ['b'], label: 'b', help: 'show or hide benign events (challenges, monitors)', action: 'benign', footer: 'benign' },
  { keys: ['m'], label: 'm', help: 'mark as expected: then c client, u user, p path', action: 'mark', footer: 'mark' },
  { keys: ['M'], label: 'M', help: 'mark as handled: then c client, u user, p path', action: 'markHandled' },
  { keys: ['e'], label: 'e', help: 'export the selection to NDJSON', action: 'exportNdjson', footer: 'export' },
  { keys: ['E'], label: 'E', help: 'export the selection to CSV', action: 'exportCsv' },
  { keys: ['r'], label: 'r', help: 'refresh now (it also refreshes every few seconds)', action: 'refresh' },
  { keys: ['?'], label: '?', help: 'help', action: 'help', footer: 'help' },
  { keys: ['q'], label: 'q', help: 'quit', action: 'quit', footer: 'quit' },
];

export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  tab?: boolean;
  return?: boolean;
  escape?: boolean;
}

/** Ink's (input, key) pair → an action, through the table. */
export function triageAction(input: string, key: KeyInfo): TriageAction | null {
  const name = key.upArrow ? 'up' : key.downArrow ? 'down' : key.pageUp ? 'pageUp' : key.pageDown ? 'pageDown' : key.tab ? 'tab' : key.return ? 'return' : key.escape ? 'escape' : input;
  return TRIAGE_KEYS.find((k) => k.keys.includes(name))?.action ?? null;
}

/** Always shown at the footer's right end, whatever the width (GoAccess keeps them at 80×24). */
const ALWAYS: TriageAction[] = ['help', 'quit'];
/** The footer's keys, from the same table as input and help: the rest, then help and quit. */
export const FOOTER_KEYS = TRIAGE_KEYS.filter((k) => k.footer && !ALWAYS.includes(k.action)).map((k) => `${k.label} ${k.footer}`).join('  ');
export const FOOTER_TAIL = TRIAGE_KEYS.filter((k) => ALWAYS.includes(k.action)).map((k) => `${k.label} ${k.footer}`).join('  ');
export const FOOTER = `${FOOTER_KEYS}  ${FOOTER_TAIL}`;
