/**
 * readLinesSync (plain captures) delivers exactly the lines of readLines (the stream every other
 * input goes through): the same texts, numbers and too-long lines, across line ends, chunk
 * boundaries, multi-byte characters split between reads and lines past MAX_LINE_BYTES.
 */
import test from 'ava';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_LINE_BYTES, readLines, readLinesSync, type LineSink } from '../../src/ingest/read-lines.js';
import { CORPUS, tempDir } from '../helpers/paths.js';

type Seen = (string | number)[];

function recorder(out: Seen): LineSink {
  return {
    line: (text, n) => void out.push('line', n, text),
    tooLong: (head, n, length) => void out.push('long', n, length, head),
  };
}

const dir = tempDir();
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

const MiB = 1 << 20;
const INPUTS: Record<string, string | Buffer> = {
  empty: '',
  'no final line end': 'a\nb',
  'final line end': 'a\nb\n',
  'CRLF and lone CR': 'a\r\nb\rc\r\r\nd\n\r',
  'CR only': 'a\rb\rc',
  'blank lines': '\n\n\n',
  // a line across the 1 MiB read boundary, and a multi-byte character split by it
  'chunk boundary': `${'x'.repeat(MiB - 3)}\n${'é'.repeat(10)}\n${'y'.repeat(MiB + 5)}\nz\n`,
  'multi-byte at the boundary': Buffer.concat([Buffer.from('a'.repeat(MiB - 1)), Buffer.from('€\nb\n')]),
  'too long, then more': `${'q'.repeat(3 * MAX_LINE_BYTES)}\nafter\n${'r'.repeat(3 * MiB)}`,
  'too long CR-only text': `${'s\r'.repeat(10)}${'t'.repeat(MAX_LINE_BYTES + 1)}\ru\r`,
};

test('the synchronous reader gives the stream reader lines, on made inputs and every corpus capture', async (t) => {
  const paths = [
    ...Object.entries(INPUTS).map(([name, content]) => file(name.replace(/\W+/g, '-'), content)),
    ...readdirSync(join(CORPUS, 'vsipioctl')).filter((f) => !f.endsWith('.md')).map((f) => join(CORPUS, 'vsipioctl', f)),
  ];
  let long = 0;
  for (const p of paths) {
    const a: Seen = [];
    const b: Seen = [];
    const n = (await readLines(p, recorder(a))).lines;
    t.is(readLinesSync(p, recorder(b)), n, p);
    t.deepEqual(b, a, p);
    long += a.filter((x) => x === 'long').length;
  }
  t.true(long >= 2, `${long} too-long lines`);
});
