/**
 * Per (client, endpoint) success counts, summed in memory between flushes. Each distinct
 * client address is hashed once per line into a small integer (ClientIndex), and every
 * per-client fact (its successes here, its 401 watch window in the pipeline) is an array
 * slot under that integer: at hundreds of thousands of lines per second, a string-keyed
 * map per fact costs more than parsing the line.
 */

/**
 * A copy that does not share memory with the line it was cut from. V8 keeps a substring
 * as a view of its parent, so a map key cut from a line would pin the whole 256 KiB read
 * chunk in memory for as long as the key lives.
 */
export function detach(s: string): string {
  return (' ' + s).slice(1);
}

const MAX_CLIENTS = 1_000_000;

export class ClientIndex {
  private ids = new Map<string, number>();
  readonly names: string[] = [];
  /** Until when (log time, ms) a client's requests are kept as context of its 401/403. */
  watchUntil = new Float64Array(1024);
  private lastIp = '';
  private lastId = -1;

  id(ip: string): number {
    if (ip === this.lastIp) return this.lastId;
    let id = this.ids.get(ip);
    if (id === undefined) {
      if (this.names.length >= MAX_CLIENTS) this.clear();
      id = this.names.length;
      const own = detach(ip);
      this.ids.set(own, id);
      this.names.push(own);
      if (id === this.watchUntil.length) {
        const grown = new Float64Array(id * 2);
        grown.set(this.watchUntil);
        this.watchUntil = grown;
      }
      this.watchUntil[id] = -Infinity;
    }
    this.lastIp = ip;
    this.lastId = id;
    return id;
  }

  get size(): number {
    return this.names.length;
  }

  /** Forget every client (bounded memory on huge logs); aggregates must be flushed first. */
  clear(): void {
    this.ids = new Map();
    this.names.length = 0;
    this.lastIp = '';
    this.lastId = -1;
    this.onClear?.();
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
  private endpoints = new Map<string, number>();
  private endpointNames: string[] = [];
  private lastEndpoint = '';
  private lastEndpointId = -1;
  /** Slots of each client: a client touches few endpoints, so a short list beats a map. */
  private clientSlots: number[][] = [];
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
    let e = endpoint === this.lastEndpoint ? this.lastEndpointId : this.endpoints.get(endpoint);
    if (e === undefined) {
      e = this.endpointNames.length;
      const own = detach(endpoint);
      this.endpoints.set(own, e);
      this.endpointNames.push(own);
    }
    this.lastEndpoint = endpoint;
    this.lastEndpointId = e;
    let list = this.clientSlots[client];
    if (list === undefined) {
      list = [];
      this.clientSlots[client] = list;
    }
    let slot = -1;
    for (let i = 0; i < list.length; i++) {
      if (this.slotEndpoint[list[i]] === e) {
        slot = list[i];
        break;
      }
    }
    if (slot < 0) {
      slot = this.used++;
      if (slot === this.count.length) this.grow();
      list.push(slot);
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
        endpoint: this.endpointNames[this.slotEndpoint[slot]],
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
    this.clientSlots = [];
  }

  private grow(): void {
    const n = this.count.length * 2;
    const grow = <T extends Int32Array | Uint32Array | Float64Array>(a: T, make: (k: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.slotClient = grow(this.slotClient, (k) => new Int32Array(k));
    this.slotEndpoint = grow(this.slotEndpoint, (k) => new Int32Array(k));
    this.count = grow(this.count, (k) => new Uint32Array(k));
    this.withUser = grow(this.withUser, (k) => new Uint32Array(k));
    this.https = grow(this.https, (k) => new Uint32Array(k));
    this.first = grow(this.first, (k) => new Float64Array(k));
    this.last = grow(this.last, (k) => new Float64Array(k));
  }
}
