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
}

export const TRIAGE_KEYS: TriageKey[] = [
  { keys: ['up', 'k'], label: '↑/k', help: 'move up', action: 'up' },
  { keys: ['down', 'j'], label: '↓/j', help: 'move down', action: 'down' },
  { keys: ['pageUp'], label: 'PgUp', help: 'page up', action: 'pageUp' },
  { keys: ['pageDown'], label: 'PgDn', help: 'page down', action: 'pageDown' },
  { keys: ['tab'], label: 'Tab', help: 'switch between causes and events', action: 'switch' },
  { keys: ['return'], label: 'Enter', help: 'drill in: a cause to its events, an event to its evidence', action: 'enter' },
  { keys: ['escape'], label: 'Esc', help: 'back', action: 'back' },
  { keys: ['/'], label: '/', help: 'filter by client, user or path (Enter applies, Esc clears)', action: 'filter' },
  { keys: ['t'], label: 't', help: 'time range: all, last hour, day, week (of the logs)', action: 'range' },
  { keys: ['g'], label: 'g', help: 'filter by tag (cycles)', action: 'tag' },
  { keys: ['b'], label: 'b', help: 'show or hide benign events (challenges, monitors)', action: 'benign' },
  { keys: ['m'], label: 'm', help: 'mark as expected: then c client, u user, p path', action: 'mark' },
  { keys: ['M'], label: 'M', help: 'mark as handled: then c client, u user, p path', action: 'markHandled' },
  { keys: ['e'], label: 'e', help: 'export the selection to NDJSON', action: 'exportNdjson' },
  { keys: ['E'], label: 'E', help: 'export the selection to CSV', action: 'exportCsv' },
  { keys: ['r'], label: 'r', help: 'refresh now (it also refreshes every few seconds)', action: 'refresh' },
  { keys: ['?'], label: '?', help: 'help', action: 'help' },
  { keys: ['q'], label: 'q', help: 'quit', action: 'quit' },
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

export const FOOTER = 'Enter drill  Esc back  Tab pane  / filter  t range  g tag  b benign  m mark  e export  ? help  q quit';
