/** All TUI state in one hook: filters, focus, selection, view; data read for it through the queries. */
import { closeSync, openSync, writeSync } from 'node:fs';
import { useCallback, useMemo, useRef, useState } from 'react';
import { BENIGN_TAGS, TAGS } from '../../classify/vocabulary.js';
import { addSuppression, type SuppressionKind, type SuppressionState } from '../../store/suppressions.js';
import { EVENT_FIELDS, formatEvent } from '../../report/event-rows.js';
import { isoUtc } from '../../util/time.js';
import { allEvents, filterParams, loadCauses, loadEvents, loadTop, RANGES, window, type EventItem, type Filters, type TopPick, type TriageQueries } from './data.js';
import { contextAround, type ContextLine } from './context.js';
import type { TriageAction } from './keys.js';
import type { Db } from '../../store/db.js';

export type Focus = 'causes' | 'top' | 'events';
export type View = 'main' | 'evidence' | 'help';

export interface TriageDeps {
  /** The database, for marks; null over a fleet store (marks are one database's). */
  db: Db | null;
  queries: TriageQueries;
  /** The fleet store read (its label), when not the database. */
  fleet?: string;
  initial: Filters;
  /** Where exports are written. */
  exportDir: string;
  onQuit: () => void;
}

const PAGE = 200;

interface UiState {
  filters: Filters;
  focus: Focus;
  view: View;
  causeIndex: number;
  topIndex: number;
  eventIndex: number;
  editing: string | null;
  marking: SuppressionState | null;
  message: string | null;
  version: number;
}

export function useTriage(deps: TriageDeps, eventRows: number) {
  const [state, setState] = useState<UiState>({
    filters: deps.initial, focus: 'causes', view: 'main', causeIndex: 0, topIndex: 0, eventIndex: 0, editing: null, marking: null, message: null, version: 0,
  });
  // Keys can arrive faster than renders: every handler reads and writes the latest state here.
  const ui = useRef(state);
  ui.current = state;
  const update = (patch: Partial<UiState> | ((s: UiState) => Partial<UiState>)) => {
    ui.current = { ...ui.current, ...(typeof patch === 'function' ? patch(ui.current) : patch) };
    setState(ui.current);
  };
  const { filters, focus, view, causeIndex, topIndex, eventIndex, editing, marking, message, version } = state;
  const setMessage = (m: string | null) => update({ message: m });

  const w = useMemo(() => window(deps.queries, filters), [deps.queries, filters, version]);
  const params = useMemo(() => filterParams(filters, w), [filters, w]);
  const causes = useMemo(() => loadCauses(deps.queries, params), [deps.queries, params, version]);
  const cause = causes[Math.min(causeIndex, Math.max(0, causes.length - 1))] ?? null;
  const top = useMemo(() => (cause ? loadTop(deps.queries, params, cause) : []), [deps.queries, params, cause?.status, cause?.cause, version]);
  // Only a page of events around the selection is read.
  const pageStart = Math.floor(eventIndex / PAGE) * PAGE;
  const page = useMemo(() => (cause ? loadEvents(deps.queries, params, cause, pageStart, PAGE) : []), [deps.queries, params, cause?.status, cause?.cause, pageStart, version]);
  const event: EventItem | null = page[eventIndex - pageStart] ?? null;
  // The log lines around the event, read when its evidence is shown.
  const around: ContextLine[] = useMemo(() => (view === 'evidence' && event ? contextAround(deps.queries, event, 2, deps.fleet !== undefined) : []), [deps.queries, view, event?.id, version]);
  const data = useRef({ causes, cause, event, top });
  data.current = { causes, cause, event, top };
  const refresh = useCallback(() => {
    ui.current = { ...ui.current, version: ui.current.version + 1 };
    setState(ui.current);
  }, []);

  const mark = (kind: SuppressionKind, as: SuppressionState) => {
    const e = data.current.event;
    const value = e ? (kind === 'client' ? e.ip : kind === 'user' ? e.user : e.path) : null;
    if (!value) return setMessage(`nothing to mark: the selected event has no ${kind}`);
    if (deps.db === null) return setMessage('marks are kept in a database: mark on the server (authlog tui --db), a fleet store counts everything');
    addSuppression(deps.db, kind, value, as);
    deps.queries.refreshView();
    update((s) => ({ message: `marked ${kind} ${value} as ${as}: left out unless --all`, version: s.version + 1 }));
  };

  const exportSelection = (format: 'ndjson' | 'csv') => {
    const cause = data.current.cause;
    if (!cause) return setMessage('nothing to export');
    const stamp = isoUtc(Date.now()).replace(/[-:]/g, '').replace('T', '-').replace('Z', '');
    const file = `${deps.exportDir}/authlog-export-${stamp}.${format}`;
    // Streamed to the file: a selection can be large.
    const fd = openSync(file, 'w');
    let n = 0;
    try {
      if (format === 'csv') writeSync(fd, EVENT_FIELDS.join(',') + '\n');
      for (const { id: _id, ts, raw: _raw, offset: _offset, ...rest } of allEvents(deps.queries, params, cause)) {
        writeSync(fd, formatEvent({ time: isoUtc(ts), ...rest }, format) + '\n');
        n++;
      }
    } finally {
      closeSync(fd);
    }
    setMessage(`exported ${n} event(s) to ${file}`);
  };

  /** Typed text while editing the filter, or an action from the key table. */
  const handle = (action: TriageAction | null, input: string, key: { return?: boolean; escape?: boolean; backspace?: boolean; delete?: boolean }) => {
    const s = ui.current;
    const { causes, cause, event, top } = data.current;
    if (s.editing !== null) {
      if (key.return) update({ filters: { ...s.filters, text: s.editing.trim() || null }, editing: null, causeIndex: 0, eventIndex: 0 });
      else if (key.escape) update({ editing: null, filters: { ...s.filters, text: null } });
      else if (key.backspace || key.delete) update({ editing: s.editing.slice(0, -1) });
      else if (input && !/[\u0000-\u001f]/.test(input)) update({ editing: s.editing + input });
      return;
    }
    if (s.marking) {
      const as = s.marking;
      update({ marking: null, message: null });
      if (input === 'c') return mark('client', as);
      if (input === 'u') return mark('user', as);
      if (input === 'p') return mark('path', as);
      return;
    }
    if (s.message) update({ message: null });
    const total = s.focus === 'causes' ? causes.length : s.focus === 'top' ? top.length : cause?.count ?? 0;
    const clamp = (i: number) => Math.max(0, Math.min(total - 1, i));
    const move = (d: number) =>
      s.focus === 'causes'
        ? update({ causeIndex: clamp(s.causeIndex + d), topIndex: 0, eventIndex: 0 })
        : s.focus === 'top'
          ? update({ topIndex: clamp(s.topIndex + d) })
          : update({ eventIndex: clamp(s.eventIndex + d) });
    /** Narrows everything to a client, user or path, staying on the same cause. */
    const pickTop = (pick: TopPick | null) => {
      const filters = { ...s.filters, pick };
      const next = loadCauses(deps.queries, filterParams(filters, window(deps.queries, filters)));
      const keep = cause ? next.findIndex((c) => c.status === cause.status && c.cause === cause.cause) : -1;
      update({ filters, causeIndex: Math.max(0, keep), topIndex: 0, eventIndex: 0, focus: pick ? 'events' : s.focus === 'top' ? 'causes' : s.focus });
    };
    switch (action) {
      case 'up': return move(-1);
      case 'down': return move(1);
      case 'pageUp': return move(-eventRows);
      case 'pageDown': return move(eventRows);
      case 'switch': {
        // causes → top clients/users/paths → events → causes
        const order: Focus[] = top.length > 0 ? ['causes', 'top', 'events'] : ['causes', 'events'];
        return update({ focus: order[(order.indexOf(s.focus) + 1) % order.length], topIndex: 0 });
      }
      case 'enter':
        if (s.view === 'main' && s.focus === 'causes') return update({ focus: 'events' });
        if (s.view === 'main' && s.focus === 'top' && top[s.topIndex]) return pickTop({ kind: top[s.topIndex].kind, value: top[s.topIndex].value });
        if (s.view === 'main' && s.focus === 'events' && event) return update({ view: 'evidence' });
        return;
      case 'back':
        if (s.view !== 'main') return update({ view: 'main' });
        if (s.filters.pick) return pickTop(null);
        return update({ focus: 'causes' });
      case 'filter': return update({ editing: s.filters.text ?? '' });
      case 'range': {
        const next = RANGES[(RANGES.indexOf(s.filters.range) + 1) % RANGES.length];
        return update({ filters: { ...s.filters, range: next, since: null, until: null }, causeIndex: 0, eventIndex: 0 });
      }
      case 'tag': {
        const i = s.filters.tag === null ? 0 : TAGS.indexOf(s.filters.tag) + 1;
        const tag = i < TAGS.length ? TAGS[i] : null;
        // A benign tag while benign events are hidden would show an empty list without a word.
        const hint = tag !== null && BENIGN_TAGS.includes(tag) && !s.filters.benign ? `${tag} events are benign and hidden: press b to show them` : null;
        return update({ filters: { ...s.filters, tag }, causeIndex: 0, eventIndex: 0, message: hint });
      }
      case 'benign': return update({ filters: { ...s.filters, benign: !s.filters.benign } });
      case 'mark':
      case 'markHandled': {
        if (!event) return setMessage('select an event first (Enter on a cause)');
        const as: SuppressionState = action === 'mark' ? 'expected' : 'handled';
        return update({ marking: as, message: `mark ${as}: c client ${event.ip}  u user ${event.user ?? '-'}  p path ${event.path ?? '-'}  (other key: cancel)` });
      }
      case 'exportNdjson': return exportSelection('ndjson');
      case 'exportCsv': return exportSelection('csv');
      case 'refresh': return refresh();
      case 'help': return update({ view: s.view === 'help' ? 'main' : 'help' });
      case 'quit': return deps.onQuit();
      default:
    }
  };

  return { filters, w, focus, view, causes, cause, causeIndex, top, topIndex, page, pageStart, eventIndex, event, around, editing, message, handle, refresh };
}
