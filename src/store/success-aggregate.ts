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

  get names(): string[] {
    return this.interner.names;
  }

  id(ip: string): number {
    if (this.interner.size >= MAX_CLIENTS) this.clear();
    return this.known(this.interner.idOfString(ip));
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
    }
    this.watchUntil[id] = -Infinity;
    this.seen = id + 1;
    return id;
  }

  private seen = 0;

  /** Forget every client (bounded memory on huge logs); what is summed under their ids is flushed first. */
  clear(): void {
    this.onClear?.();
    this.interner.clear();
    this.seen = 0;
  }

  onClear?: () => void;
}

/** Each name's place in sorted order. */
function ranks(names: string[]): Uint32Array {
  const order = Array.from(names.keys()).sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
  const rank = new Uint32Array(names.length);
  order.forEach((id, i) => (rank[id] = i));
  return rank;
}

export const MAX_SLOTS = 200_000;
const TABLE_SIZE = 1 << 19; // > 2 × MAX_SLOTS
const TABLE_MASK = TABLE_SIZE - 1;
const STRIDE = 8;

export class SuccessAggregate {
  /** Endpoint ids, kept across flushes (a site has few). */
  readonly endpoints = new ByteInterner();
  /**
   * (client, endpoint) → slot, open addressing: a crawler touches hundreds of endpoints, so
   * a list per client would be searched end to end on each of its lines. At most half full
   * (MAX_SLOTS), so probe runs stay short.
   */
  private readonly table = new Int32Array(TABLE_SIZE).fill(-1);
  /**
   * One 64-byte record per slot (client, endpoint, count, with user, https, first, last):
   * slots are hit at random, and fields in separate arrays would cost a cache miss each.
   */
  private data = new Float64Array(1024 * STRIDE);
  private used = 0;

  constructor(private readonly clients: ClientIndex) {}

  /** A success of `client` at endpoint `e` (an id from `this.endpoints`); true when the aggregate is full and should be flushed. */
  add(client: number, e: number, ts: number, hasUser: boolean, https: boolean): boolean {
    let i = (Math.imul(client, 0x9e3779b1) ^ Math.imul(e, 0x85ebca6b)) & TABLE_MASK;
    let at: number;
    for (;;) {
      const slot = this.table[i];
      if (slot < 0) {
        at = this.newSlot(i, client, e, ts);
        break;
      }
      at = slot * STRIDE;
      if (this.data[at] === client && this.data[at + 1] === e) break;
      i = (i + 1) & TABLE_MASK;
    }
    const d = this.data;
    d[at + 2]++;
    if (hasUser) d[at + 3]++;
    if (https) d[at + 4]++;
    if (ts < d[at + 5]) d[at + 5] = ts;
    if (ts > d[at + 6]) d[at + 6] = ts;
    return this.used >= MAX_SLOTS;
  }

  private newSlot(i: number, client: number, e: number, ts: number): number {
    const slot = this.used++;
    if ((slot + 1) * STRIDE > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.table[i] = slot;
    const at = slot * STRIDE;
    const d = this.data;
    d[at] = client;
    d[at + 1] = e;
    d[at + 2] = d[at + 3] = d[at + 4] = 0;
    d[at + 5] = d[at + 6] = ts;
    return at;
  }

  /**
   * Rows [ip, endpoint, count, withUser, https, first, last] in (ip, endpoint) order: in key
   * order the table's B-tree is appended to rather than split at random, several times
   * faster. Sorted by rank numbers, not by comparing strings per pair.
   */
  sortedRows(): (string | number)[][] {
    const clientRank = ranks(this.clients.names);
    const endpointRank = ranks(this.endpoints.names);
    const width = this.endpoints.size;
    const d = this.data;
    const keys = new Float64Array(this.used);
    const order = new Uint32Array(this.used);
    for (let slot = 0; slot < this.used; slot++) {
      keys[slot] = clientRank[d[slot * STRIDE]] * width + endpointRank[d[slot * STRIDE + 1]];
      order[slot] = slot;
    }
    order.sort((a, b) => keys[a] - keys[b]);
    const rows: (string | number)[][] = new Array(this.used);
    for (let i = 0; i < order.length; i++) {
      const at = order[i] * STRIDE;
      rows[i] = [this.clients.names[d[at]], this.endpoints.names[d[at + 1]], d[at + 2], d[at + 3], d[at + 4], d[at + 5], d[at + 6]];
    }
    return rows;
  }

  /** Empty the counts, keeping the endpoint dictionary. */
  reset(): void {
    this.used = 0;
    this.table.fill(-1);
  }
}
