/** Shared by the realized-policy tests: the bundled F5 case, from the store and from its captures. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRealizedFilters, type RealizedFilter } from '../../src/analysis/realized.js';
import { ingest } from '../../src/ingest/ingest.js';
import type { Flow } from '../../src/model/flow.js';
import type { PolicySource } from '../../src/parse/policy-visitor.js';
import { parseVsipCapture } from '../../src/parse/vsipioctl-capture.js';
import { dfwInventory } from '../../src/policy/dfw-inventory.js';
import type { DfwInventoryFilter } from '../../src/policy/realized-filter.js';
import { openStore } from '../../src/store/open.js';
import { listFilters } from '../../src/store/realized-repo.js';

export const BUNDLE = 'logs/f5-promiscuous/esx-esx101.lab.local-2018-01-17--01.35-42117';
export const FILTER_NAMES = { '28341': 'nic-11240904-eth0-vmware-sfw.2', '53210': 'nic-11251234-eth1-vmware-sfw.2' } as const;

export function dfwSource(path: string): PolicySource {
  return { file: path, text: readFileSync(path, 'utf8') };
}

/** The store's view of the F5 host: its realized filters (by hash) and the `.dfw` inventory. */
export async function f5Store(): Promise<{ current: Map<string, RealizedFilter>; inventory: DfwInventoryFilter[] }> {
  const db = openStore(':memory:');
  try {
    await ingest(db, ['logs/f5-promiscuous']);
    const current = loadRealizedFilters(db);
    return { current, inventory: dfwInventory(listFilters(db), current) };
  } finally {
    db.close();
  }
}

/** The bundle's getrules and getaddrsets captures, by filter name. */
export function f5Captures() {
  const read = (f: string) => parseVsipCapture(readFileSync(join(BUNDLE, 'commands', f), 'utf8'), f).value;
  const rules = read('vsipioctl-getrules.txt');
  const sets = read('vsipioctl-getaddrsets.txt');
  return {
    rulesets: new Map(rules.getrules.map((d) => [d.filter ?? '', d.rulesets])),
    addrsets: new Map(sets.getaddrsets.map((d) => [d.filter ?? '', d.addrsets])),
  };
}

export function tcp(src: string, sport: number, dst: string, dport: number, flags: string): Flow {
  return { af: 'inet', protocol: 6, src, dst, srcPort: sport, dstPort: dport, tcpFlags: flags, icmpType: null, icmpCode: null };
}

export function udp(src: string, sport: number, dst: string, dport: number): Flow {
  return { af: 'inet', protocol: 17, src, dst, srcPort: sport, dstPort: dport, tcpFlags: null, icmpType: null, icmpCode: null };
}
