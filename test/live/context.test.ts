/** The lines around an event read from its file (by line number, or from the byte offset stored with it): right lines, also after the file grew or was replaced. */
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { fileLinesAround, fileLinesAt } from '../../src/tui/triage/context.js';
import { useTempDir } from '../helpers.js';

const tmp = useTempDir();
const lines = (from: number, to: number, tag = 'a') => Array.from({ length: to - from + 1 }, (_, i) => `${tag} line ${from + i}\n`).join('');

it('reads the lines around any line of a large file, from where an earlier look noted lines start', () => {
  const file = join(tmp(), 'access.log');
  writeFileSync(file, lines(1, 20_000));
  expect(fileLinesAround(file, 15_000, 2)).toEqual(['a line 14998', 'a line 14999', 'a line 15000', 'a line 15001', 'a line 15002']);
  expect(fileLinesAround(file, 9_000, 1)).toEqual(['a line 8999', 'a line 9000', 'a line 9001']);
  expect(fileLinesAround(file, 1, 1)).toEqual(['a line 1', 'a line 2']);
  expect(fileLinesAround(file, 20_001, 1)).toBeNull();
  appendFileSync(file, lines(20_001, 30_000));
  expect(fileLinesAround(file, 25_000, 0)).toEqual(['a line 25000']);
  // rotated: another file under the name, whose lines the old marks must not be used for
  renameSync(file, `${file}.1`);
  writeFileSync(file, lines(1, 12_000, 'b'));
  expect(fileLinesAround(file, 10_000, 0)).toEqual(['b line 10000']);
});

it('reads the lines around a line from its byte offset, and declines an offset that is not a line start', () => {
  const file = join(tmp(), 'access.log');
  const text = lines(1, 5) + 'a line 6\r\n' + lines(7, 9);
  writeFileSync(file, text);
  const at = (n: number) => text.indexOf(`a line ${n}\n`) >= 0 ? text.indexOf(`a line ${n}\n`) : text.indexOf(`a line ${n}\r`);
  expect(fileLinesAt(file, at(4), 4, 2)).toEqual(['a line 2', 'a line 3', 'a line 4', 'a line 5', 'a line 6']);
  expect(fileLinesAt(file, 0, 1, 2)).toEqual(['a line 1', 'a line 2', 'a line 3']);
  expect(fileLinesAt(file, at(2), 2, 2)).toEqual(['a line 1', 'a line 2', 'a line 3', 'a line 4']);
  expect(fileLinesAt(file, at(9), 9, 1)).toEqual(['a line 8', 'a line 9']);
  // The same lines as counting them from the start.
  expect(fileLinesAt(file, at(7), 7, 1)).toEqual(fileLinesAround(file, 7, 1));
  // Mid-line (the file was replaced since): no answer rather than a wrong one.
  expect(fileLinesAt(file, at(4) + 3, 4, 1)).toBeNull();
  expect(fileLinesAt(join(tmp(), 'gone.log'), 0, 1, 1)).toBeNull();
});
