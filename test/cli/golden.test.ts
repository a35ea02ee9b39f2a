import test from 'ava';
import { goldenCases, runGolden } from '../helpers/golden.js';

for (const name of goldenCases()) test(`golden: ${name}`, (t) => runGolden(t, name));
