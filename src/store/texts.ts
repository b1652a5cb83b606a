/**
 * Verdict texts (evidence, fix) stored once each. In the 1M bench the fix texts were 12.0 MB
 * of which 1.5 MB distinct, the evidence 13.6 MB of which 7.5 MB distinct: a verdict row
 * holds two ids instead. Looked up by a 53-bit hash through a small index (a UNIQUE index
 * on the text would store every text twice); equal hashes are told apart by the text.
 * A text is never deleted, even when no verdict holds it any more: other processes keep the
 * ids they learned (a verdict whose evidence changed leaves its old text behind).
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

/** FNV-1a over UTF-16 units, twice with different primes: 32 + 21 bits, a safe integer. */
export function textHash(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 0) * 2 ** 21 + (b >>> 11);
}

/**
 * Ids this process learned, at most this many (past it, they are looked up again by hash).
 * Most evidence is written once: 50,000 cached texts raised the 5M bench's peak RSS from
 * 192 to 199 MiB (`/usr/bin/time -f %M`, one run each).
 */
const MAX_CACHED = 2_048;

export class TextIds {
  private readonly cache = new Map<string, number>();
  private readonly find: Statement<[number]>;
  private readonly insert: Statement<[number, string]>;

  constructor(db: Db) {
    this.find = db.prepare<[number]>('SELECT id, text FROM texts WHERE hash = ?');
    this.insert = db.prepare<[number, string]>('INSERT INTO texts (hash, text) VALUES (?, ?)');
  }

  /** The text's id, stored now if it is new. Inside the caller's write transaction. */
  id(text: string): number {
    const known = this.cache.get(text);
    if (known !== undefined) return known;
    const hash = textHash(text);
    let id: number | undefined;
    for (const row of this.find.all(hash) as { id: number; text: string }[]) {
      if (row.text === text) {
        id = row.id;
        break;
      }
    }
    if (id === undefined) id = Number(this.insert.run(hash, text).lastInsertRowid);
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(text, id);
    return id;
  }

  /** A transaction rolled back: ids learned in it may be of rows that are not there. */
  forget(): void {
    this.cache.clear();
  }
}
