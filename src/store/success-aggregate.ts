/**
 * Per (client, endpoint) success counts, summed in memory between flushes. Each distinct
 * client address is hashed once per line into a small integer (ClientIndex), and every
 * per-client fact (its successes here, its 401 watch window in the pipeline) is an array
 * slot under that integer: at hundreds of thousands of lines per second, a string-keyed
 * map per fact costs more than parsing the line.
 */
import { ByteInterner } from './intern.js';

/** Past this many distinct clients the index starts afresh (after flushing), so memory stays bounded. */
const MAX_CLIENTS = 250_000;

export class ClientIndex {
  private readonly interner = new ByteInterner();
  /** Until when (log time, ms) a client's requests are kept as context of its 401/403. */
  watchUntil = new Float64Array(1024);
  /** 1 when the client succeeded somewhere with a Basic user. */
  basicOk = new Uint8Array(1024);
  /** 1 when the client succeeded somewhere over https. */
  httpsOk = new Uint8Array(1024);

  get size(): number {
    return this.interner.size;
  }

  compare(a: number, b: number): number {
    return this.interner.compare(a, b);
  }

  /** The address of client `id` (a new string each call). */
  name(id: number): string {
    return this.interner.name(id);
  }

  id(ip: string): number {
    if (this.interner.size >= MAX_CLIENTS) this.clear();
    return this.known(this.interner.idOfString(ip));
  }

  /** The id of a known address, or -1. */
  find(ip: string): number {
    return this.interner.find(ip);
  }

  /** The id of the address in `buf[start, end)` (the ingest fast path: no string made). */
  idOfBytes(buf: Buffer, start: number, end: number): number {
    if (this.interner.size >= MAX_CLIENTS) this.clear();
    return this.known(this.interner.idOf(buf, start, end));
  }

  /** A new id starts with no watch window. */
  private known(id: number): number {
    if (id < this.seen) return id;
    if (id >= this.watchUntil.length) {
      const grown = new Float64Array(this.watchUntil.length * 2);
      grown.set(this.watchUntil);
      this.watchUntil = grown;
      const ok = new Uint8Array(grown.length);
      ok.set(this.basicOk);
      this.basicOk = ok;
      const https = new Uint8Array(grown.length);
      https.set(this.httpsOk);
      this.httpsOk = https;
    }
    this.watchUntil[id] = -Infinity;
    this.basicOk[id] = 0;
    this.httpsOk[id] = 0;
    this.seen = id + 1;
    return id;
  }

  private seen = 0;
  /** How often the index started afresh: an id is a client's only within one generation. */
  generation = 0;

  /** Forget every client (bounded memory on huge logs); what is summed under their ids is flushed first. */
  clear(): void {
    this.onClear?.();
    this.interner.clear();
    this.seen = 0;
    this.generation++;
  }

  onClear?: () => void;
}

/**
 * The place of each of `ids` among them in sorted order (`rank[id]`; ids not listed rank 0),
 * compared in the interner's bytes: a checkpoint of a full table ranks 200,000 clients, and
 * making each a string to sort them was a 25 MB peak (5M bench: 209 MB).
 */
function ranked(ids: Iterable<number>, size: number, compare: (a: number, b: number) => number): Uint32Array {
  const listed = new Uint8Array(size);
  const distinct: number[] = [];
  for (const id of ids) {
    if (listed[id] === 1) continue;
    listed[id] = 1;
    distinct.push(id);
  }
  distinct.sort(compare);
  const rank = new Uint32Array(size);
  for (let i = 0; i < distinct.length; i++) rank[distinct[i]] = i;
  return rank;
}

export const MAX_SLOTS = 200_000;
const TABLE_SIZE = 1 << 19; // > 2 × MAX_SLOTS
const TABLE_MASK = TABLE_SIZE - 1;
/** Per slot, 32-bit: client, endpoint, count, with user, https, dirty, and count, with user, https as last written. */
const INTS = 9;
/** Per slot, 64-bit: first and last time. */
const TIMES = 2;

/** A client's successes at one endpoint. */
export interface Successes {
  count: number;
  withUser: number;
  https: number;
  first: number;
  last: number;
  /** Of count, withUser and https: the part not yet written to the database. */
  unwritten: { count: number; withUser: number; https: number };
}

/**
 * Per (client, endpoint) success totals of this run. They stay in memory across
 * checkpoints, so classification asks memory, not the database, about this run's clients;
 * a checkpoint writes only what changed since the last one, as increments. When full the
 * table is emptied (`spilled`): from then on the database holds part of the answer.
 */
export class SuccessAggregate {
  /** Endpoint ids, kept across flushes (a site has few). */
  readonly endpoints = new ByteInterner();
  /**
   * (client, endpoint) → slot, open addressing: a crawler touches hundreds of endpoints, so
   * a list per client would be searched end to end on each of its lines. At most half full
   * (MAX_SLOTS), so probe runs stay short.
   */
  private readonly table = new Int32Array(TABLE_SIZE).fill(-1);
  /** Slot records, 52 bytes each (memory is what bounds a run: no field wider than it needs). */
  private ints = new Int32Array(1024 * INTS);
  private times = new Float64Array(1024 * TIMES);
  private used = 0;
  /** Slots changed since the last `takeChanged`. */
  private changed: number[] = [];
  /** The table was emptied at least once: earlier totals are only in the database. */
  spilled = false;

  constructor(private readonly clients: ClientIndex) {}

  private slotOf(client: number, e: number): number {
    let i = (Math.imul(client, 0x9e3779b1) ^ Math.imul(e, 0x85ebca6b)) & TABLE_MASK;
    for (;;) {
      const slot = this.table[i];
      if (slot < 0) return -1 - i;
      const at = slot * INTS;
      if (this.ints[at] === client && this.ints[at + 1] === e) return slot;
      i = (i + 1) & TABLE_MASK;
    }
  }

  /** A success of `client` at endpoint `e` (an id from `this.endpoints`); true when the aggregate is full and should be flushed. */
  add(client: number, e: number, ts: number, hasUser: boolean, https: boolean): boolean {
    let slot = this.slotOf(client, e);
    if (slot < 0) slot = this.newSlot(-1 - slot, client, e, ts);
    const d = this.ints;
    const at = slot * INTS;
    if (d[at + 5] === 0) {
      d[at + 5] = 1;
      this.changed.push(slot);
    }
    d[at + 2]++;
    if (hasUser) d[at + 3]++;
    if (https) d[at + 4]++;
    const t = this.times;
    const tat = slot * TIMES;
    if (ts < t[tat]) t[tat] = ts;
    if (ts > t[tat + 1]) t[tat + 1] = ts;
    return this.used >= MAX_SLOTS;
  }

  get full(): boolean {
    return this.used >= MAX_SLOTS;
  }

  /** This run's successes of the client (an id, or -1) at endpoint `e` (an id, or -1) so far. */
  get(client: number, e: number): Successes | null {
    if (client < 0 || e < 0) return null;
    const slot = this.slotOf(client, e);
    if (slot < 0) return null;
    const d = this.ints;
    const at = slot * INTS;
    return {
      count: d[at + 2], withUser: d[at + 3], https: d[at + 4], first: this.times[slot * TIMES], last: this.times[slot * TIMES + 1],
      unwritten: { count: d[at + 2] - d[at + 6], withUser: d[at + 3] - d[at + 7], https: d[at + 4] - d[at + 8] },
    };
  }

  private newSlot(i: number, client: number, e: number, ts: number): number {
    const slot = this.used++;
    if ((slot + 1) * INTS > this.ints.length) {
      // Doubling, but never past the cap: the last doubling would waste most of itself.
      const slots = Math.min(Math.max(1024, (this.ints.length / INTS) * 2), MAX_SLOTS + 1);
      const ints = new Int32Array(slots * INTS);
      ints.set(this.ints);
      this.ints = ints;
      const times = new Float64Array(slots * TIMES);
      times.set(this.times);
      this.times = times;
    }
    this.table[i] = slot;
    const at = slot * INTS;
    this.ints.fill(0, at, at + INTS);
    this.ints[at] = client;
    this.ints[at + 1] = e;
    this.times[slot * TIMES] = this.times[slot * TIMES + 1] = ts;
    return slot;
  }

/**
   * What changed since the last call, as rows [ip, endpoint, count, withUser, https, first,
   * last] of increments (first/last are min/max, so whole values do) in (ip, endpoint)
   * order: in key order the table's B-tree is appended to rather than split at random,
   * several times faster. Sorted by rank numbers, not by comparing strings per pair.
   */
  takeChanged(): Iterable<(string | number)[]> {
    const changed = this.changed;
    this.changed = [];
    if (changed.length === 0) return [];
    const d = this.ints;
    const clientRank = ranked(changed.map((slot) => d[slot * INTS]), this.clients.size, (a, b) => this.clients.compare(a, b));
    const endpointRank = ranked(changed.map((slot) => d[slot * INTS + 1]), this.endpoints.size, (a, b) => this.endpoints.compare(a, b));
    const width = this.endpoints.size;
    const keys = new Float64Array(this.used);
    for (const slot of changed) keys[slot] = clientRank[d[slot * INTS]] * width + endpointRank[d[slot * INTS + 1]];
    const order = Uint32Array.from(changed).sort((a, b) => keys[a] - keys[b]);
    return this.rowsOf(order, d, this.times);
  }

  /**
   * Made one at a time as the sink writes them: a spill of the full table as one array of
   * rows was the run's peak of memory. Read before any later `add`: the sink writes at once.
   */
  private *rowsOf(order: Uint32Array, d: Int32Array, times: Float64Array): Generator<(string | number)[]> {
    for (let i = 0; i < order.length; i++) {
      const slot = order[i];
      const at = slot * INTS;
      yield [this.clients.name(d[at]), this.endpoints.name(d[at + 1]), d[at + 2] - d[at + 6], d[at + 3] - d[at + 7], d[at + 4] - d[at + 8], times[slot * TIMES], times[slot * TIMES + 1]];
      d[at + 5] = 0;
      d[at + 6] = d[at + 2];
      d[at + 7] = d[at + 3];
      d[at + 8] = d[at + 4];
    }
  }

  /** Empty the table (after `takeChanged` was written), keeping the endpoint dictionary. */
  reset(): void {
    if (this.used > 0) this.spilled = true;
    this.used = 0;
    this.changed = [];
    this.table.fill(-1);
  }
}
