import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBundle } from '../helpers/bundle.js';

/**
 * Inputs whose attacker-controllable text is markup: a realized rule tag (`tag '...'` admits any
 * character but `'`, reference 4.2), the free-text tag of a dfwpktlog record, and a file name
 * (the Inputs table lists paths). If any of it reached the page as markup, the script would
 * change the title, the img would request `x` and fire `onerror`.
 */
export const EVIL = `<script>document.title='pwned'</script><img src=x onerror=alert(1)>`;
/** The same payload as a getrules tag, which cannot hold `'`. */
export const EVIL_RULE_TAG = EVIL.replaceAll("'", '"');
export const EVIL_FILE = '<img src=x onerror=alert(2)>np.log';

/** Rules of filter 60003: more than one page of the Rules table (audit-html.ts PAGE_SIZE). */
export const MANY_RULES = 450;

/**
 * A host bundle with three filters (60001 rejects SSH with the evil tag; 60002 passes TCP and
 * drops DNS; 60003 has MANY_RULES rules and hits only the first) and an Antrea np.log under an
 * evil file name. Counts are chosen so that a text sort and a number sort of the "events"
 * column differ (13 PASS, 3 DROP, 1 REJECT, 1 Allow).
 */
export function writeEvilInputs(): string[] {
  const bundle = writeBundle(
    'esx-h1.lab',
    [
      { hash: '60001', vm: 'web-01', world: 1001, vnic: 0, rules: [`rule 77 at 1 inout protocol tcp from any to any port 22 reject with log tag '${EVIL_RULE_TAG}';`, 'rule 78 at 2 inout protocol any from any to any accept with log;'] },
      { hash: '60002', vm: 'db-01', world: 1002, vnic: 0, rules: ['rule 90 at 1 inout protocol udp from any to any port 53 drop with log;', 'rule 91 at 2 inout protocol any from any to any accept with log;'] },
      { hash: '60003', vm: 'app-01', world: 1003, vnic: 0, rules: Array.from({ length: MANY_RULES }, (_, i) => `rule ${1000 + i} at ${i + 1} inout protocol tcp from any to any port ${2000 + i} accept with log;`) },
    ],
    [
      `2024-01-01T00:00:01.000Z 60001 INET match REJECT domain-c7/77 IN 60 TCP 10.0.0.9/40000->10.0.0.1/22 S ${EVIL}`,
      ...Array.from({ length: 12 }, (_, i) => `2024-01-01T00:${String(i * 4).padStart(2, '0')}:00.000Z 60002 INET match PASS domain-c7/91 IN 60 TCP 10.0.0.9/${41000 + i}->10.0.0.2/443 S`),
      ...Array.from({ length: 3 }, (_, i) => `2024-01-01T00:${String(10 + i * 7).padStart(2, '0')}:00.000Z 60002 INET match DROP domain-c7/90 IN 60 UDP 10.0.0.9/${42000 + i}->10.0.0.2/53`),
      '2024-01-01T00:30:00.000Z 60003 INET match PASS domain-c7/1000 IN 60 TCP 10.0.0.9/43000->10.0.0.3/2000 S',
    ],
  );
  const npDir = mkdtempSync(join(tmpdir(), 'dfwsim-evil-'));
  const np = join(npDir, EVIL_FILE);
  writeFileSync(np, '2024/01/01 00:20:02.118203 AntreaPolicyIngressRule AntreaClusterNetworkPolicy:acnp-web allow-web Ingress Allow 44900 prod/web-0 10.10.1.12 52814 10.10.1.20 8080 TCP 60 <nil>\n');
  return [bundle, np];
}
