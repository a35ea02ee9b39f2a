/** The generated CST types must match the grammars (STYLE habit 3): run `npm run gen:cst` when this fails. */
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generatedCstDts } from '../../grammar/gen-cst-dts.js';

for (const [name, text] of generatedCstDts()) {
  test(`grammar/generated/${name} is up to date`, (t) => {
    const onDisk = readFileSync(path.resolve(process.cwd(), 'grammar/generated', name), 'utf8');
    t.is(onDisk, text);
  });
}
