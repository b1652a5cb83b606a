/** The live dashboard: App picks the layout; panels are pure; state lives in the store. */
import { Box, useInput } from 'ink';
import { useEffect, useState } from 'react';
import { actionFor } from './keys.js';
import { Alerts, Counts, Events, Header, HelpLine, Tops } from './panels.js';
import type { LiveState, LiveStore } from './store.js';

/** Re-render at most every `ms`, however often the store changes. */
function useThrottledState(store: LiveStore, ms: number): LiveState {
  const [, setVersion] = useState(0);
  useEffect(() => {
    let timer: NodeJS.Timeout | null = null;
    let dirty = false;
    const unsubscribe = store.subscribe(() => {
      dirty = true;
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        if (dirty) {
          dirty = false;
          setVersion((v) => v + 1);
        }
      }, ms);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [store, ms]);
  return store.state;
}

export interface LiveAppProps {
  store: LiveStore;
  width: number;
  height: number;
  keys: boolean;
  onQuit: () => void;
}

export function LiveLayout({ state, width, height }: { state: LiveState; width: number; height: number }) {
  const alerts = Math.min(3, Object.keys(state.bruteForce).length);
  const help = state.help ? 3 : 1;
  // Header 1, counts 2, tops 2, alerts, help, events title 1: the rest is event lines.
  const eventRows = Math.max(0, height - 1 - 2 - 2 - alerts - help - 1 - 1);
  return (
    <Box flexDirection="column" width={width}>
      <Header state={state} width={width} />
      <Counts state={state} width={width} />
      <Tops state={state} width={width} />
      <Alerts state={state} width={width} />
      <Events events={state.latest} rows={eventRows} width={width} />
      <HelpLine width={width} full={state.help} />
    </Box>
  );
}

export function LiveApp({ store, width, height, keys, onQuit }: LiveAppProps) {
  const state = useThrottledState(store, 100);
  useInput(
    (input) => {
      const action = actionFor(input);
      if (action === 'quit') onQuit();
      else if (action === 'pause') store.togglePause();
      else if (action === 'help') store.toggleHelp();
    },
    { isActive: keys },
  );
  return <LiveLayout state={state} width={width} height={height} />;
}
