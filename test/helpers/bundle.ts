import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.js';
import { openStore, type Db } from '../../src/store/open.js';

/** One vNIC filter of a hand-made host bundle. */
export interface BundleFilter {
  /** filter hash (NSX-V decimal) */
  hash: string;
  /** VM name (summarize-dvfilter) */
  vm: string;
  /** the VM's world id; filters of one VM share it */
  world: number;
  vnic: number;
  /** rule lines of ruleset domain-c7, as getrules prints them (without indentation); omit for a filter without captured rules */
  rules?: string[];
  addrsets?: Record<string, string[]>;
}

const filterName = (f: BundleFilter) => `nic-${f.world}-eth${f.vnic}-vmware-sfw.2`;

/**
 * Writes an ESXi support bundle (vm-support folder naming, so ingest takes the host from the
 * path) with getfilters, summarize-dvfilter, getrules -f and getaddrsets -f captures for the
 * given filters, and a dfwpktlogs.log of the given lines; returns its folder.
 */
export function writeBundle(host: string, filters: BundleFilter[], log: string[]): string {
  const root = join(mkdtempSync(join(tmpdir(), 'dfwsim-bundle-')), `esx-${host}-2024-01-01--00.00-1`);
  mkdirSync(join(root, 'commands'), { recursive: true });
  mkdirSync(join(root, 'var', 'log'), { recursive: true });
  const p = `[root@${host.split('.')[0]}:~]`;
  const getfilters = [`${p} vsipioctl getfilters`, ''];
  const summarize = [`${p} summarize-dvfilter`, 'Fastpaths:', 'agent: vmware-sfw, refCount: 4, rev: 0x1010000, apiRev: 0x1010000, module: vsip', '', 'Slowpaths:', '', 'Filters:'];
  const getrules: string[] = [];
  const getaddrsets: string[] = [];
  for (const f of filters) {
    getfilters.push(`Filter Name              : ${filterName(f)}`, `VM UUID                  : 50 1e 00 00 00 00 00 ${String(f.world % 100).padStart(2, '0')}-00 00 00 00 00 00 00 00`, `VNIC Index               : ${f.vnic}`, 'Service Profile          : --NOT SET--', `Filter Hash              : ${f.hash}`, '');
    summarize.push(`world ${f.world} vmm0:${f.vm} vcUuid:'50 1e 00 00 00 00 00 00-00 00 00 00 00 00 00 00'`, ` port ${50331660 + f.vnic + f.world % 1000} ${f.vm}.eth${f.vnic}`, '  vNic slot 2', `   name: ${filterName(f)}`, '   agentName: vmware-sfw', '   state: IOChain Attached', '   vmState: Detached', '   failurePolicy: failClosed', '   slowPathID: none', '   filter source: Dynamic Filter Creation');
    if (f.rules !== undefined) {
      getrules.push(`${p} vsipioctl getrules -f ${filterName(f)}`, 'ruleset domain-c7 {', '  # Filter rules', ...f.rules.map((r) => `  ${r}`), '}', '', 'ruleset domain-c7_L2 {', '  # Filter rules', '  rule 1004 at 1 inout ethertype any from any to any accept;', '}', '');
      getaddrsets.push(`${p} vsipioctl getaddrsets -f ${filterName(f)}`);
      for (const [name, ips] of Object.entries(f.addrsets ?? {})) getaddrsets.push(`addrset ${name} {`, ...ips.map((ip) => `ip ${ip},`), '}');
    }
  }
  getfilters.push(p);
  summarize.push(p);
  getrules.push(p);
  getaddrsets.push(p);
  writeFileSync(join(root, 'commands', 'vsipioctl-getfilters.txt'), `${getfilters.join('\n')}\n`);
  writeFileSync(join(root, 'commands', 'summarize-dvfilter.txt'), `${summarize.join('\n')}\n`);
  if (getrules.length > 1) writeFileSync(join(root, 'commands', 'vsipioctl-getrules.txt'), `${getrules.join('\n')}\n`);
  if (getaddrsets.length > 1) writeFileSync(join(root, 'commands', 'vsipioctl-getaddrsets.txt'), `${getaddrsets.join('\n')}\n`);
  writeFileSync(join(root, 'var', 'log', 'dfwpktlogs.log'), `${log.join('\n')}\n`);
  return root;
}

/** A store with the bundle ingested; fails the test on any rejected line. */
export async function bundleStore(host: string, filters: BundleFilter[], log: string[]): Promise<Db> {
  const db = openStore(':memory:');
  const s = await ingest(db, [writeBundle(host, filters, log)]);
  if (s.rejected !== 0) throw new Error(`bundle has ${s.rejected} rejected line(s): ${JSON.stringify(s.problems)}`);
  return db;
}

/** The bundled F5 case (logs/f5-promiscuous) in a fresh store. */
export async function f5Store(): Promise<Db> {
  const db = openStore(':memory:');
  await ingest(db, ['logs/f5-promiscuous']);
  return db;
}
