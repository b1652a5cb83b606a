/**
 * Small integer ids for byte strings (client addresses, endpoints), looked up straight from
 * the read buffer: the ingest fast path counts a line without ever making a string of it.
 * Strings (from the full parser) are looked up through their UTF-8 bytes, so a value gets
 * the same id whichever path saw it.
 *
 * Open addressing with FNV-1a hashes. Lookups land at random in the table, so each entry is
 * 32 bytes holding the id, hash, length and (up to 20 bytes: an IPv4 address, a short IPv6
 * one, most endpoints) the key itself; longer keys are compared in a byte arena.
 *
 * Every key is also kept in the arena, outside the JavaScript heap, and made a string only
 * when asked (`name`): a string per client address (250,000 at most) was most of what every
 * full collection had to mark (1M bench: 23 of them, 20 ms each).
 */

const EMPTY = -1;
const ENTRY_INTS = 8;
const ENTRY_BYTES = ENTRY_INTS * 4;
const KEY_AT = 12; // bytes into an entry
const INLINE_KEY = ENTRY_BYTES - KEY_AT;

export class ByteInterner {
  private ints = new Int32Array(ENTRY_INTS << 12);
  private bytes = new Uint8Array(this.ints.buffer);
  private mask = (1 << 12) - 1;
  /** Where each id's key starts in the arena, and its length. */
  private arenaAt = new Int32Array(1024);
  private keyLength = new Int32Array(1024);
  private arena = Buffer.allocUnsafe(1 << 14);
  private arenaUsed = 0;
  private count = 0;
  private scratch = Buffer.allocUnsafe(256);

  constructor() {
    this.clear();
  }

  get size(): number {
    return this.count;
  }

  /** The keys of `a` and `b` compared byte by byte (SQLite's BINARY order), no string made. */
  compare(a: number, b: number): number {
    const x = this.arenaAt[a];
    const y = this.arenaAt[b];
    return this.arena.compare(this.arena, y, y + this.keyLength[b], x, x + this.keyLength[a]);
  }

  /** The key of `id`, as a string (made anew on each call). */
  name(id: number): string {
    const at = this.arenaAt[id];
    return this.arena.toString('utf8', at, at + this.keyLength[id]);
  }

  /** Id of the bytes `buf[start, end)`, added when new. */
  idOf(buf: Buffer, start: number, end: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 16777619);
    const len = end - start;
    const ints = this.ints;
    let e = h & this.mask;
    for (;;) {
      const at = e * ENTRY_INTS;
      const id = ints[at];
      if (id === EMPTY) return this.add(buf, start, end, h, e);
      if (ints[at + 1] === h && ints[at + 2] === len && this.sameKey(e, id, buf, start, len)) return id;
      e = (e + 1) & this.mask;
    }
  }

  idOfString(s: string): number {
    const n = this.toScratch(s);
    return this.idOf(this.scratch, 0, n);
  }

  /** Id of `s` if it was seen, else -1 (nothing added). */
  find(s: string): number {
    const len = this.toScratch(s);
    const buf = this.scratch;
    let h = 0x811c9dc5 | 0;
    for (let i = 0; i < len; i++) h = Math.imul(h ^ buf[i], 16777619);
    const ints = this.ints;
    let e = h & this.mask;
    for (;;) {
      const at = e * ENTRY_INTS;
      const id = ints[at];
      if (id === EMPTY) return -1;
      if (ints[at + 1] === h && ints[at + 2] === len && this.sameKey(e, id, buf, 0, len)) return id;
      e = (e + 1) & this.mask;
    }
  }

  private toScratch(s: string): number {
    // At most 3 bytes per UTF-16 unit.
    if (s.length * 3 > this.scratch.length) this.scratch = Buffer.allocUnsafe(s.length * 3);
    return this.scratch.write(s, 0, 'utf8');
  }

  clear(): void {
    for (let at = 0; at < this.ints.length; at += ENTRY_INTS) this.ints[at] = EMPTY;
    this.count = 0;
    this.arenaUsed = 0;
  }

  private sameKey(entry: number, id: number, buf: Buffer, start: number, len: number): boolean {
    if (len <= INLINE_KEY) {
      const bytes = this.bytes;
      const k = entry * ENTRY_BYTES + KEY_AT;
      for (let j = 0; j < len; j++) if (bytes[k + j] !== buf[start + j]) return false;
      return true;
    }
    const arena = this.arena;
    const k = this.arenaAt[id];
    for (let j = 0; j < len; j++) if (arena[k + j] !== buf[start + j]) return false;
    return true;
  }

  private add(buf: Buffer, start: number, end: number, h: number, entry: number): number {
    const id = this.count++;
    const len = end - start;
    if (this.arenaUsed + len > this.arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.arenaUsed + len));
      this.arena.copy(bigger, 0, 0, this.arenaUsed);
      this.arena = bigger;
    }
    if (id === this.arenaAt.length) {
      this.arenaAt = grown(this.arenaAt);
      this.keyLength = grown(this.keyLength);
    }
    buf.copy(this.arena, this.arenaUsed, start, end);
    this.arenaAt[id] = this.arenaUsed;
    this.keyLength[id] = len;
    this.arenaUsed += len;
    if (len <= INLINE_KEY) this.bytes.set(buf.subarray(start, end), entry * ENTRY_BYTES + KEY_AT);
    const at = entry * ENTRY_INTS;
    this.ints[at] = id;
    this.ints[at + 1] = h;
    this.ints[at + 2] = len;
    // Keep the table at most half full so probe runs stay short.
    if ((id + 1) * 2 > this.mask + 1) this.rehash();
    return id;
  }

  private rehash(): void {
    const oldInts = this.ints;
    const oldBytes = this.bytes;
    const entries = (this.mask + 1) * 2;
    this.ints = new Int32Array(entries * ENTRY_INTS);
    this.bytes = new Uint8Array(this.ints.buffer);
    this.mask = entries - 1;
    for (let at = 0; at < this.ints.length; at += ENTRY_INTS) this.ints[at] = EMPTY;
    for (let from = 0; from < oldInts.length; from += ENTRY_INTS) {
      if (oldInts[from] === EMPTY) continue;
      let e = oldInts[from + 1] & this.mask;
      while (this.ints[e * ENTRY_INTS] !== EMPTY) e = (e + 1) & this.mask;
      this.bytes.set(oldBytes.subarray(from * 4, from * 4 + ENTRY_BYTES), e * ENTRY_BYTES);
    }
  }
}

function grown(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
