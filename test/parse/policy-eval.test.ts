/**
 * The `.dfw` model evaluated end to end by the tiered engine (src/engine/tiered): the rules/ policy
 * sets give the verdicts their comments promise, and the F5 case gives the verdicts of the bundled
 * dfwpktlogs.log for the flows the endpoint model can express. Table-driven (STYLE habit 14).
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { compilePolicySet, evaluateConnection } from '../../src/engine/tiered/index.js';
import type { EndpointRef } from '../../src/model/policy.js';
import { parsePolicyFiles } from '../../src/parse/policy-visitor.js';

/** `src dst PROTO port -> verdict (deciding policy/rule on the side that decided)`. */
type Case = [flow: string, verdict: 'Con' | 'Drp' | 'Rej', decidedBy: string];

const ref = (s: string): EndpointRef => (/^[\d.]+$/.test(s) ? { kind: 'ip', ip: s } : { kind: 'vm', name: s });

function run(files: string[], cases: Case[]): void {
  const parsed = parsePolicyFiles(files.map((file) => ({ file, text: readFileSync(file, 'utf8') })));
  const compiled = compilePolicySet(parsed.value.policySet, parsed.value.inventory);
  for (const [flow, verdict, decidedBy] of cases) {
    test(`${files.join(' + ')}: ${flow}`, (t) => {
      t.deepEqual(parsed.diagnostics, []);
      const [src, dst, proto, port] = flow.split(' ');
      const d = evaluateConnection(compiled, ref(src ?? ''), ref(dst ?? ''), { protocol: proto ?? '', ...(port ? { port: Number(port) } : {}) });
      t.is(d.verdict, verdict, d.walkthrough);
      t.true(d.walkthrough.includes(decidedBy), d.walkthrough);
    });
  }
}

// The F5 bundle: each row is a logged first packet (logs/f5-promiscuous/.../dfwpktlogs.log).
run(['rules/f5-promiscuous.dfw'], [
  ['10.68.0.250 app-ssh-01 TCP 22', 'Con', '(admin-ssh/1795)'], // 28341 PASS 1795 IN
  ['app-ssh-01 10.68.0.53 UDP 53', 'Con', '(dns/1012)'], // 28341 PASS 1012 OUT
  ['f5-bigip-01-eth1 app-ssh-01 TCP 8443', 'Con', '(f5-pool/1030)'], // 53210 OUT + 28341 IN PASS 1030
  ['10.70.3.21 f5-bigip-01-eth1 TCP 443', 'Con', '(f5-vip/1031)'], // 53210 PASS 1031 IN
  ['app-ssh-01 10.68.145.255 UDP 137', 'Drp', '(default-app/1001)'], // 28341 DROP 1001 OUT
  ['10.70.3.21 f5-bigip-01-eth1 TCP 22', 'Rej', '(f5-hardening/1026)'],
]);

run(['rules/nsx-categories.dfw'], [
  ['app-01 db-01 TCP 5432', 'Con', 'Pass (env-zones/20) -> [Application] Allow (three-tier/30)'],
  ['app-02 db-01 TCP 5432', 'Drp', '[Environment] Drop (env-zones/21)'],
  ['jump-01 app-02 TCP 22', 'Con', '[Infrastructure] Allow (shared-services/11)'],
  ['app-01 db-01 TCP 22', 'Drp', '[Default] Drop (default-layer3/1001)'],
  ['10.20.99.4 app-01 TCP 443', 'Drp', '[Emergency] Drop (incident-42/5)'],
  ['app-01 10.20.250.10 UDP 53', 'Con', '[Infrastructure] Allow (shared-services/10)'],
]);

run(['rules/antrea-tiers.dfw'], [
  ['10.20.0.1 web-1 TCP 443', 'Con', '[Application] Allow (web-app/20)'],
  ['laptop web-1 TCP 443', 'Drp', '[Quarantine] Drop (quarantine/1)'],
  ['10.10.8.5 web-1 TCP 9100', 'Drp', '[SecurityOps] Pass (secops/11) -> [Baseline] Drop (prod-baseline/90)'],
  ['web-1 db-1 TCP 5432', 'Con', '[Application] Allow (db-app/30)'],
  ['web-1 db-1 TCP 23', 'Drp', '[SecurityOps] Drop (secops/10)'],
]);
