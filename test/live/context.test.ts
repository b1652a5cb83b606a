/** The lines around an event read from its file: right lines, also after the file grew or was replaced. */
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { fileLinesAround } from '../../src/tui/triage/context.js';
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
