import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

// A real process with stdout on a pipe: output is written with back-pressure (the reader sets the
// pace, memory stays flat) and a reader that goes away (`| head`) ends the run quietly.
const big = ['query', 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT x, x * 7 AS y FROM c', '--format', 'csv'];

function run(args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args, '--db', ':memory:'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
}

test('a reader that closes the pipe early ends the run with exit 0 and nothing on stderr', async (t) => {
  const p = run(big);
  let err = '';
  p.stderr.on('data', (d: Buffer) => (err += d));
  const [first] = (await once(p.stdout, 'data')) as [Buffer];
  t.true(first.toString().startsWith('x,y'));
  p.stdout.destroy();
  const [code] = (await once(p, 'close')) as [number];
  t.is(err, '');
  t.is(code, 0);
});

test('a slow reader gets every row', async (t) => {
  const p = run(big);
  let n = 0;
  let tail = '';
  p.stdout.on('data', (d: Buffer) => {
    const s = tail + d.toString();
    const lines = s.split('\n');
    tail = lines.pop() ?? '';
    n += lines.length;
    // pause now and then, so the pipe fills and the writer has to wait
    if (n % 50_000 < 2000) {
      p.stdout.pause();
      setTimeout(() => p.stdout.resume(), 5);
    }
  });
  const [code] = (await once(p, 'close')) as [number];
  t.is(code, 0);
  t.is(n, 300_001, 'header and every row');
});
