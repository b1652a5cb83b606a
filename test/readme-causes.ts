/** Rewrites the README's cause table from the catalogue (`npm run readme:causes`); a test checks it is current. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { causeTableMarkdown } from '../src/classify/catalogue/index.js';

// run from dist/test/
const file = join(import.meta.dirname, '..', '..', 'README.md');
const readme = readFileSync(file, 'utf8');
const marked = /(<!-- causes:start -->)[\s\S]*?(<!-- causes:end -->)/;
if (!marked.test(readme)) throw new Error('README.md has no <!-- causes:start --> … <!-- causes:end --> markers');
writeFileSync(file, readme.replace(marked, (_m, start: string, end: string) => `${start}\n${causeTableMarkdown()}\n${end}`));
