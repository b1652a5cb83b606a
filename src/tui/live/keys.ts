/** The key map: one table drives both the input handling and the help line. */
export type LiveAction = 'quit' | 'pause' | 'help';

export interface KeyBinding {
  key: string;
  label: string;
  action: LiveAction;
}

export const LIVE_KEYS: KeyBinding[] = [
  { key: 'q', label: 'quit', action: 'quit' },
  { key: 'p', label: 'pause/resume the event list', action: 'pause' },
  { key: '?', label: 'help', action: 'help' },
];

export function actionFor(input: string): LiveAction | null {
  return LIVE_KEYS.find((k) => k.key === input)?.action ?? null;
}

export function helpLine(): string {
  return LIVE_KEYS.map((k) => `${k.key} ${k.label.split(/[ /]/)[0]}`).join('  ');
}
