/**
 * Per (client, endpoint) success counts, summed in memory between flushes. Each distinct
 * client address is hashed once per line into a small integer (ClientIndex), and every
 * per-client fact (its successes here, its 401 watch window in the pipeline) is an array
 * slot under that integer: at hundreds of thousands of lines per second, a string-keyed
 * map per fact costs more than parsing the line.
 */
import { ByteInterner } from './intern.js';

const MAX_CLIENTS = 1_000_000;

export class ClientIndex {
  private readonly interner = new ByteInterner();
  /** Until when (log time, ms) a client's requests are kept as context of its 401/403. */
  watchUntil = new Float64Array(1024);

  get names(): string[] {
    return this.interner.names;
  }

  get size(): number {
    return this.interner.size;
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

export interface SuccessRow {
  ip: string;
  endpoint: string;
  count: number;
  withUser: number;
  https: number;
  first: number;
  last: number;
}

export const MAX_SLOTS = 200_000;

export class SuccessAggregate {
  /** Endpoint ids, kept across flushes (a site has few). */
  readonly endpoints = new ByteInterner();
  /**
   * Slots of each client as a linked list in typed arrays (first slot per client, next slot
   * per slot): a client touches few endpoints, and an array of arrays indexed by client id
   * goes sparse (a dictionary) when ids arrive out of order.
   */
  private clientFirst = new Int32Array(1024).fill(-1);
  private slotNext = new Int32Array(1024);
  private slotClient = new Int32Array(1024);
  private slotEndpoint = new Int32Array(1024);
  private count = new Uint32Array(1024);
  private withUser = new Uint32Array(1024);
  private https = new Uint32Array(1024);
  private first = new Float64Array(1024);
  private last = new Float64Array(1024);
  private used = 0;

  constructor(private readonly clients: ClientIndex) {}

  get size(): number {
    return this.used;
  }

  /** True when the aggregate is full and should be flushed. */
  add(client: number, endpoint: string, ts: number, hasUser: boolean, https: boolean): boolean {
    return this.addId(client, this.endpoints.idOfString(endpoint), ts, hasUser, https);
  }

  /** `endpoint` is an id from `this.endpoints`. */
  addId(client: number, e: number, ts: number, hasUser: boolean, https: boolean): boolean {
    if (client >= this.clientFirst.length) {
      const grown = new Int32Array(Math.max(client + 1, this.clientFirst.length * 2)).fill(-1);
      grown.set(this.clientFirst);
      this.clientFirst = grown;
    }
    let slot = -1;
    for (let s = this.clientFirst[client]; s >= 0; s = this.slotNext[s]) {
      if (this.slotEndpoint[s] === e) {
        slot = s;
        break;
      }
    }
    if (slot < 0) {
      slot = this.used++;
      if (slot === this.count.length) this.grow();
      this.slotNext[slot] = this.clientFirst[client];
      this.clientFirst[client] = slot;
      this.slotClient[slot] = client;
      this.slotEndpoint[slot] = e;
      this.count[slot] = 0;
      this.withUser[slot] = 0;
      this.https[slot] = 0;
      this.first[slot] = ts;
      this.last[slot] = ts;
    }
    this.count[slot]++;
    if (hasUser) this.withUser[slot]++;
    if (https) this.https[slot]++;
    if (ts < this.first[slot]) this.first[slot] = ts;
    if (ts > this.last[slot]) this.last[slot] = ts;
    return this.used >= MAX_SLOTS;
  }

  *rows(): Generator<SuccessRow> {
    for (let slot = 0; slot < this.used; slot++) {
      yield {
        ip: this.clients.names[this.slotClient[slot]],
        endpoint: this.endpoints.names[this.slotEndpoint[slot]],
        count: this.count[slot],
        withUser: this.withUser[slot],
        https: this.https[slot],
        first: this.first[slot],
        last: this.last[slot],
      };
    }
  }

  /** Empty the counts, keeping the endpoint dictionary. */
  reset(): void {
    this.used = 0;
    this.clientFirst.fill(-1);
  }

  private grow(): void {
    const n = this.count.length * 2;
    const grow = <T extends Int32Array | Uint32Array | Float64Array>(a: T, make: (k: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.slotClient = grow(this.slotClient, (k) => new Int32Array(k));
    this.slotNext = grow(this.slotNext, (k) => new Int32Array(k));
    this.slotEndpoint = grow(this.slotEndpoint, (k) => new Int32Array(k));
    this.count = grow(this.count, (k) => new Uint32Array(k));
    this.withUser = grow(this.withUser, (k) => new Uint32Array(k));
    this.https = grow(this.https, (k) => new Uint32Array(k));
    this.first = grow(this.first, (k) => new Float64Array(k));
    this.last = grow(this.last, (k) => new Float64Array(k));
  }
}
