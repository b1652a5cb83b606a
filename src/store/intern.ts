/**
 * Small integer ids for byte strings (client addresses, endpoints), looked up straight from
 * the read buffer: the ingest fast path counts a line without ever making a string of it.
 * Strings (from the full parser) are looked up through their UTF-8 bytes, so a value gets
 * the same id whichever path saw it. Open addressing with FNV-1a hashes; keys live in one
 * growing byte arena.
 */

const EMPTY = -1;

export class ByteInterner {
  private slots = new Int32Array(1 << 12).fill(EMPTY);
  private mask = this.slots.length - 1;
  private hashes = new Int32Array(1 << 10);
  private keyStart = new Int32Array(1 << 10);
  private keyLength = new Int32Array(1 << 10);
  private arena = Buffer.allocUnsafe(1 << 16);
  private arenaUsed = 0;
  private scratch = Buffer.allocUnsafe(256);
  /** The key of each id, made into a string when it is first seen. */
  readonly names: string[] = [];

  get size(): number {
    return this.names.length;
  }

  /** Id of the bytes `buf[start, end)`, added when new. */
  idOf(buf: Buffer, start: number, end: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 16777619);
    const len = end - start;
    let i = h & this.mask;
    for (;;) {
      const id = this.slots[i];
      if (id === EMPTY) return this.add(buf, start, end, h, i);
      if (this.hashes[id] === h && this.keyLength[id] === len && this.sameKey(id, buf, start, len)) return id;
      i = (i + 1) & this.mask;
    }
  }

  idOfString(s: string): number {
    // At most 3 bytes per UTF-16 unit.
    if (s.length * 3 > this.scratch.length) this.scratch = Buffer.allocUnsafe(s.length * 3);
    const n = this.scratch.write(s, 0, 'utf8');
    return this.idOf(this.scratch, 0, n);
  }

  clear(): void {
    this.slots.fill(EMPTY);
    this.names.length = 0;
    this.arenaUsed = 0;
  }

  private sameKey(id: number, buf: Buffer, start: number, len: number): boolean {
    const arena = this.arena;
    const k = this.keyStart[id];
    for (let j = 0; j < len; j++) if (arena[k + j] !== buf[start + j]) return false;
    return true;
  }

  private add(buf: Buffer, start: number, end: number, h: number, slot: number): number {
    const id = this.names.length;
    const len = end - start;
    if (id === this.hashes.length) {
      this.hashes = grown(this.hashes);
      this.keyStart = grown(this.keyStart);
      this.keyLength = grown(this.keyLength);
    }
    if (this.arenaUsed + len > this.arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.arenaUsed + len));
      this.arena.copy(bigger, 0, 0, this.arenaUsed);
      this.arena = bigger;
    }
    buf.copy(this.arena, this.arenaUsed, start, end);
    this.hashes[id] = h;
    this.keyStart[id] = this.arenaUsed;
    this.keyLength[id] = len;
    this.arenaUsed += len;
    this.names.push(buf.toString('utf8', start, end));
    this.slots[slot] = id;
    // Keep the table at most half full so probe runs stay short.
    if ((id + 1) * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    this.mask = this.slots.length - 1;
    for (let id = 0; id < this.names.length; id++) {
      let i = this.hashes[id] & this.mask;
      while (this.slots[i] !== EMPTY) i = (i + 1) & this.mask;
      this.slots[i] = id;
    }
  }
}

function grown(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
