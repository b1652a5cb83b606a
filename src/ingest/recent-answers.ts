/**
 * The last few requests of a source that carried credentials (its successes, and the 401/403s
 * with a user), kept as their bytes: the one home of "an answer written before its 401".
 *
 * Servers write a request's line when it ends, dated when it began: a browser's retry with
 * credentials can be written just before the 401 that prompted it (seen in the lab on
 * loopback: Apache, 1 run in about 100). Read in file order, that answer went by before the
 * 401 made its client watched, so nothing kept it. When a 401 without credentials comes,
 * the pipeline looks here for its client's answer dated within the challenge window, stores
 * it as the 401's context (so classifying again from the database finds it too) and hands
 * it to the classifier. A handful of slots is enough: the two lines are written within
 * moments of each other.
 */

const SLOTS = 32;
/** Longer lines are not kept (an answer is an ordinary request line). */
const SLOT_BYTES = 2048;

export interface RecentAnswer {
  ts: number;
  lineNo: number;
  /** Byte offset of the line's start in the source. */
  offset: number;
  /** The line (decoded on demand: only when a 401 asks for it). */
  text: string;
  /** Its row is not in the database yet (a success not kept, handed out for the first time). */
  unstored: boolean;
}

export class RecentAnswers {
  private readonly bytes = Buffer.alloc(SLOTS * SLOT_BYTES);
  private readonly length = new Int32Array(SLOTS);
  /** Client id and the client index's generation (ids are reused after it starts afresh). */
  private readonly client = new Int32Array(SLOTS).fill(-1);
  private readonly generation = new Int32Array(SLOTS);
  private readonly ts = new Float64Array(SLOTS);
  private readonly lineNo = new Float64Array(SLOTS);
  private readonly offset = new Float64Array(SLOTS);
  /** 1 once the line's row is stored (a 401/403 as it came; a success once handed out). */
  private readonly stored = new Uint8Array(SLOTS);
  private next = 0;

  /** A success with credentials the pipeline does not store, as bytes (`buf[start, end)`). */
  addBytes(client: number, generation: number, ts: number, lineNo: number, offset: number, buf: Buffer, start: number, end: number): void {
    if (end - start > SLOT_BYTES) return;
    const i = this.take(client, generation, ts, lineNo, offset, false);
    buf.copy(this.bytes, i * SLOT_BYTES, start, end);
    this.length[i] = end - start;
  }

  /** The same, for a line already decoded; `stored`: its row is written anyway (a 401/403 with a user). */
  addText(client: number, generation: number, ts: number, lineNo: number, offset: number, text: string, stored = false): void {
    if (text.length > SLOT_BYTES) return;
    const written = this.bytes.write(text, SLOT_BYTES * this.next, SLOT_BYTES, 'utf8');
    if (written === Buffer.byteLength(text, 'utf8')) {
      const i = this.take(client, generation, ts, lineNo, offset, stored);
      this.length[i] = written;
    }
  }

  /** The newest kept answer of the client dated in [from, to], or null. */
  find(client: number, generation: number, from: number, to: number): RecentAnswer | null {
    for (let k = 1; k <= SLOTS; k++) {
      const i = (this.next - k + SLOTS) % SLOTS;
      if (this.client[i] !== client || this.generation[i] !== generation) continue;
      const ts = this.ts[i];
      if (ts < from || ts > to) continue;
      const unstored = this.stored[i] === 0;
      this.stored[i] = 1;
      return { ts, lineNo: this.lineNo[i], offset: this.offset[i], text: this.bytes.toString('utf8', i * SLOT_BYTES, i * SLOT_BYTES + this.length[i]), unstored };
    }
    return null;
  }

  private take(client: number, generation: number, ts: number, lineNo: number, offset: number, stored: boolean): number {
    const i = this.next;
    this.next = (i + 1) % SLOTS;
    this.client[i] = client;
    this.generation[i] = generation;
    this.ts[i] = ts;
    this.lineNo[i] = lineNo;
    this.offset[i] = offset;
    this.stored[i] = stored ? 1 : 0;
    return i;
  }
}
