/** The triage TUI: App chooses the layout for the view; panels are pure; state is one hook. */
import { Box, useInput } from 'ink';
import { useEffect } from 'react';
import { isoUtc } from '../../util/time.js';
import { triageAction } from './keys.js';
import { emptyRangeHint } from './data.js';
import { CausesPane, EventsPane, EvidencePane, Footer, HelpPane, TopBar, TopPane } from './panels.js';
import { useTriage, type TriageDeps } from './use-triage.js';

export interface TriageAppProps extends TriageDeps {
  width: number;
  height: number;
  keys: boolean;
  refreshMs?: number;
}

export function TriageApp(props: TriageAppProps) {
  const { width, height } = props;
  const causeRows = Math.max(3, Math.min(8, Math.floor((height - 8) / 3)));
  const eventRows = Math.max(3, height - 1 - (causeRows + 1) - 3 - 1 - 1);
  const t = useTriage(props, eventRows);

  useInput((input, key) => t.handle(triageAction(input, key), input, key), { isActive: props.keys });
  // A running `authlog follow` may be writing (WAL): look again every few seconds.
  useEffect(() => {
    const timer = setInterval(t.refresh, props.refreshMs ?? 3000);
    return () => clearInterval(timer);
  }, [t.refresh, props.refreshMs]);

  const range = t.w.since !== null || t.filters.range !== 'all' ? `${t.filters.range}` : 'all';
  const span = t.w.first !== null && t.w.last !== null ? `${isoUtc(t.w.since ?? t.w.first).slice(0, 16)} … ${isoUtc(t.w.last).slice(0, 16)}` : 'no data';
  // The state first: at 80 columns the time span is what gets cut, never what narrows the view.
  const state = [
    props.fleet ? `fleet ${props.fleet}` : null,
    t.filters.benign ? 'benign shown' : 'benign hidden',
    t.filters.pick ? `${t.filters.pick.kind} ${t.filters.pick.value}` : null,
    t.editing !== null ? `filter ${t.editing}▏` : t.filters.text ? `filter ${t.filters.text}` : null,
    t.filters.tag ? `tag ${t.filters.tag}` : null,
  ].filter(Boolean);
  const top = `authlog tui · ${state.join(' · ')} · ${range} · ${span}`;
  const title = t.cause ? `events · ${t.cause.status} ${t.cause.cause} · ${t.eventIndex + (t.cause.count ? 1 : 0)}/${t.cause.count}` : 'events';

  return (
    <Box flexDirection="column" width={width} height={height}>
      <TopBar text={top} width={width} />
      <Box flexDirection="column" flexGrow={1}>
      {t.view === 'help' ? (
        <HelpPane width={width} rows={height - 2} />
      ) : t.view === 'evidence' && t.event ? (
        <EvidencePane event={t.event} around={t.around} width={width} rows={height - 2} fleet={props.fleet !== undefined} />
      ) : (
        <Box flexDirection="column">
          <CausesPane causes={t.causes} selected={t.causeIndex} focused={t.focus === 'causes'} width={width} rows={causeRows} empty={emptyRangeHint(t.filters, t.w)} />
          <TopPane top={t.top} selected={t.topIndex} focused={t.focus === 'top'} width={width} />
          <EventsPane title={title} events={t.page} selected={t.eventIndex - t.pageStart} focused={t.focus === 'events'} width={width} rows={eventRows} />
        </Box>
      )}
      </Box>
      <Footer message={t.message} width={width} />
    </Box>
  );
}
