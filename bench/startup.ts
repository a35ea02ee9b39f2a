/**
 * Whole-process rows of `npm run bench` (issue 12 part 2), each against a same-run baseline that is
 * also a whole process:
 *
 * - start-up: `dfwsim --help`, `dfwsim events --help` (both answered from the help texts the build
 *   recorded, without yargs), `dfwsim query`, `dfwsim events` against bare `node -e 0`;
 * - a 17,235-rule NSX-V getrules capture (addrsets, a section header, `# internal #` lines) and a
 *   246k-entry getaddrsets capture ingested by the real CLI, against a plain regex pass over the
 *   same file (bench/regex-floor.ts).
 *
 * Medians over rounds; every round is kept in the result. Run alone: `BENCH_ONLY=startup` or
 * `BENCH_ONLY=getrules npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthesize } from './engine.js';

/** The bundled CLI (build/bundle.ts), as the package's `bin` runs it. */
const CLI = 'dist/cli/dfwsim.js';
export const GETRULES_RULES = 17_235;
export const GETADDRSETS_ENTRIES = 246_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Wall seconds of one child process; throws when it exits with an unexpected code. */
function timed(args: string[], okCodes: readonly number[] = [0]): { seconds: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, CI: '1' }, maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (!okCodes.includes(child.status ?? -1)) throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return { seconds, stdout: child.stdout };
}

export interface StartupBench {
  rounds: number;
  nodeMs: number[];
  helpMs: number[];
  /** `dfwsim events --help`: a command's help, answered from the recorded texts too */
  eventsHelpMs: number[];
  queryMs: number[];
  eventsMs: number[];
}

/** `dfwsim --help`, `events --help`, `query`, `events` on a small store, interleaved with `node -e 0`. */
export function benchStartup(out: string, rounds = 15): StartupBench {
  const db = join(out, 'startup.db');
  for (const s of ['', '-wal', '-shm', '-journal']) rmSync(db + s, { force: true });
  timed([CLI, 'ingest', 'logs/', '--db', db, '--format', 'json'], [0, 2]);
  const r: StartupBench = { rounds, nodeMs: [], helpMs: [], eventsHelpMs: [], queryMs: [], eventsMs: [] };
  const ms = (args: string[]) => timed(args).seconds * 1000;
  for (let i = 0; i < rounds + 2; i++) {
    const sample = [ms(['-e', '0']), ms([CLI, '--help']), ms([CLI, 'events', '--help']), ms([CLI, 'query', 'select count(*) from events', '--db', db]), ms([CLI, 'events', '--limit', '5', '--db', db])] as const;
    if (i < 2) continue; // warm-up: page cache
    r.nodeMs.push(sample[0]);
    r.helpMs.push(sample[1]);
    r.eventsHelpMs.push(sample[2]);
    r.queryMs.push(sample[3]);
    r.eventsMs.push(sample[4]);
  }
  return r;
}

/** Deterministic LCG (same as bench/engine.ts). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * The NSX-V capture: prompt, `ruleset domain-c7 {` with generation / realization headers and a
 * `# Filter rules` section, exploded rules, `# internal #` dcerpc companions, the default rules, the
 * `_L2` ruleset, then the getaddrsets output of the same filter.
 */
export function getrulesCapture(): { text: string; rules: number } {
  const syn = synthesize(GETRULES_RULES); // its count includes the L2 default rule
  const rules = syn.rules.replace('# realization time : 2020-07-13T07:17:45\n', '# realization time : 2020-07-13T07:17:45\n# Filter rules\n');
  const text = `${rules}[root@esx-bench:~] vsipioctl getaddrsets -f nic-4265096-eth0-vmware-sfw.2\n${syn.addrsets}`;
  const count = text.split('\n').filter((l) => /^\s*(?:# internal # )?rule \d+ at \d+ /.test(l)).length;
  return { text, rules: count };
}

/** A getaddrsets capture of `entries` entries: security groups of hosts, ipsets of CIDRs, some IPv6. */
export function getaddrsetsCapture(entries = GETADDRSETS_ENTRIES, seed = 11): string {
  const r = rng(seed);
  const out: string[] = ['[root@esx-bench:~] vsipioctl getaddrsets -f nic-4265096-eth0-vmware-sfw.2'];
  let n = 0;
  for (let set = 0; n < entries; set++) {
    out.push(`addrset ${set % 2 ? 'ip-ipset' : 'ip-securitygroup'}-${1000 + set} {`);
    const size = Math.min(entries - n, 20 + Math.floor(r() * 200));
    for (let k = 0; k < size; k++, n++) {
      const a = `10.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`;
      const x = r();
      if (x < 0.1) out.push(`ip fe80::250:56ff:fe${Math.floor(r() * 256).toString(16)}:${Math.floor(r() * 65536).toString(16)},`);
      else if (x < 0.3) out.push(`ip ${a.replace(/\.\d+$/, '.0')}/24,`);
      else out.push(`ip ${a},`);
    }
    out.push('}');
  }
  return `${out.join('\n')}\n`;
}

export interface RealizedIngestBench {
  name: string;
  bytes: number;
  /** rules or entries stored, from the CLI's JSON summary */
  stored: number;
  floorMatches: number;
  ingestSeconds: number[];
  floorSeconds: number[];
}

/** The real CLI ingesting `text` (fresh store each round) against the regex floor, interleaved. */
export function benchRealizedIngest(out: string, name: string, text: string, kind: 'getrules' | 'getaddrsets', rounds = 5): RealizedIngestBench {
  const file = join(out, `${name}.txt`);
  writeFileSync(file, text);
  const db = join(out, `${name}.db`);
  const res: RealizedIngestBench = { name, bytes: Buffer.byteLength(text), stored: 0, floorMatches: 0, ingestSeconds: [], floorSeconds: [] };
  for (let i = 0; i < rounds + 1; i++) {
    for (const s of ['', '-wal', '-shm', '-journal']) rmSync(db + s, { force: true });
    const ingest = timed([CLI, 'ingest', file, '--db', db, '--format', 'json']);
    const floor = timed(['dist/bench/regex-floor.js', file, kind]);
    const summary = JSON.parse(ingest.stdout) as { rules?: number; addrsets?: number; events: number; rejected: number; records?: number };
    if (summary.rejected !== 0) throw new Error(`${name}: ${summary.rejected} lines rejected`);
    res.stored = kind === 'getrules' ? (summary.rules ?? 0) : (summary.records ?? 0);
    res.floorMatches = Number(floor.stdout.trim());
    if (i === 0) continue; // warm-up: page cache
    res.ingestSeconds.push(ingest.seconds);
    res.floorSeconds.push(floor.seconds);
  }
  for (const s of ['', '-wal', '-shm', '-journal']) rmSync(db + s, { force: true });
  rmSync(file, { force: true });
  return res;
}

export { median };
