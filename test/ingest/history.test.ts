import { describe, expect, it } from 'vitest';
import { StoredClients } from '../../src/ingest/history.js';
import { openDb } from '../../src/store/db.js';

describe('StoredClients', () => {
  it('holds every client an earlier run stored (successes and 401/403s), and few others', () => {
    const db = openDb(':memory:');
    db.prepare("INSERT INTO sources (id, path, format, fingerprint, fp_len, updated_at) VALUES (1, 'a.log', 'access', 'x', 1, 0)").run();
    const ok = db.prepare('INSERT INTO client_ok (ip, path, count, with_user, https, first_ts, last_ts) VALUES (?, ?, 1, 0, 0, 0, 0)');
    const req = db.prepare("INSERT INTO requests (source_id, line, ts, ip, user_logged, status, kept) VALUES (1, ?, 0, ?, 1, ?, 'auth')");
    const stored: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const ip = i % 3 === 0 ? `2001:db8::${i.toString(16)}` : `198.51.${i >> 8}.${i & 255}`;
      if (i % 2 === 0) ok.run(ip, '/app/');
      else req.run(i, ip, i % 4 === 1 ? 401 : 403);
      stored.push(ip);
    }
    req.run(5000, '203.0.113.250', 200);
    const known = StoredClients.of(db);
    for (const ip of stored) expect(known.has(ip), ip).toBe(true);
    // A 200 stored as context is not a 401/403 client; others were never stored.
    expect(known.has('203.0.113.250')).toBe(false);
    const strangers = Array.from({ length: 2000 }, (_, i) => `192.0.2.${i & 255}x${i}`);
    const falsePositives = strangers.filter((ip) => known.has(ip)).length;
    expect(falsePositives).toBeLessThan(3);
    db.close();
  });
});
