/**
 * The same-run floor of the getrules / getaddrsets ingest rows, as a whole process: read the file,
 * one regular expression per line, count the matches. `node dist/bench/regex-floor.js FILE KIND`
 * prints the count (the caller checks it, so the pass cannot be optimised away or match nothing).
 */
import { readFileSync } from 'node:fs';

const FLOOR: Record<string, RegExp> = {
  getrules: /^\s*(?:# internal # )?rule (\d+) at (\d+) (in|out|inout) (?:protocol|ethertype) (\S+) .*from (.+?) to (.+?) (accept|drop|reject)\b.*;$/,
  getaddrsets: /^(ip|mac) (\S+?),?$/,
};

const [file, kind] = process.argv.slice(2);
const re = FLOOR[kind ?? ''];
if (file === undefined || re === undefined) throw new Error('usage: regex-floor.js FILE getrules|getaddrsets');
let n = 0;
for (const line of readFileSync(file, 'utf8').split('\n')) if (re.test(line)) n++;
process.stdout.write(`${n}\n`);
