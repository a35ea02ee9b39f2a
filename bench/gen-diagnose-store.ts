import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Synthetic NSX-V store for the diagnose / what-if bench (issue 8): 20 ESXi support bundles
 * (`esx-<host>-<date>--<time>-<n>/`, so ingest takes the host from the path) of 25 vNIC filters
 * each, with getfilters / summarize-dvfilter / getrules -f / getaddrsets -f captures and a
 * `dfwpktlogs.log` whose lines are what those rules decide, logged the way the stateful DFW logs
 * (shared/reference/dfw-stateful.md §5): the first packet of an allowed session on every filter
 * it crosses (sender OUT, receiver IN: KB 431735, §7), every dropped / rejected packet, a TERM
 * per filter that created state. Three promiscuous observers (the F5 case, §4.4 / §6.1) log IN
 * copies of both directions of their port group's traffic and reject the reverse direction.
 * Deterministic (mulberry32, fixed seed): the same event count gives the same files.
 */

export const HOSTS = 20;
export const FILTERS_PER_HOST = 25;
const APPS = 40;
const START_MS = Date.UTC(2024, 4, 15, 8, 0, 0);
/** mean gap between connection starts: about 1,000 log lines per second of log time */
const MEAN_GAP_MS = 3.2;
/** port-group slots an observer sees copies of, on its own host (§6.1: every VM of the promiscuous port group) */
const OBSERVED_SLOTS = 5;

export type Role = 'app' | 'dns' | 'monitor' | 'jump' | 'observer';

/** One VM with one vNIC, i.e. one vNIC filter. */
export interface Vm {
  host: number;
  slot: number;
  role: Role;
  app: number;
  /** 0 web, 1 app, 2 db */
  tier: number;
  ip: string;
  hash: string;
  world: number;
  name: string;
  filterName: string;
}

export interface Topology {
  vms: Vm[];
  /** host number -> its bundle host name */
  hostNames: string[];
  byIp: Map<string, Vm>;
  observers: Vm[];
}

/** Special roles by (host, slot) among `hosts` hosts; every other slot is an application VM. */
function roleOf(h: number, s: number, hosts: number): Role {
  const observerHosts = hosts > 13 ? [2, 7, 13] : [Math.min(2, hosts - 1)];
  const half = Math.floor(hosts / 2);
  if (s === 24 && observerHosts.includes(h)) return 'observer';
  if (s === 23 && (h === 0 || h === half)) return 'monitor';
  if (s === 23 && (h === 1 % hosts || h === (half + 1) % hosts)) return 'dns';
  if (s === 22 && h === 5 % hosts) return 'jump';
  return 'app';
}

type Rnd = (n: number) => number;

function mulberry32(seed: number): { int: Rnd; unit: () => number } {
  let s = seed | 0;
  const next = () => {
    s = (s + 0x6d2b79f5) | 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return (x ^ (x >>> 14)) >>> 0;
  };
  return { int: (n) => next() % n, unit: () => next() / 4294967296 };
}

/**
 * 25 VMs per host (500 on the 20 hosts of the bench; tests build fewer hosts). Application g lives on hosts g%20, (g+1)%20, (g+2)%20 with every tier on each of them,
 * so most app-to-app connections have a same-host peer to choose from (the duplicate case).
 */
export function buildTopology(hosts = HOSTS): Topology {
  const rnd = mulberry32(7).int;
  const vms: Vm[] = [];
  const hostNames: string[] = [];
  const usedHashes = new Set<string>();
  for (let h = 0; h < hosts; h++) {
    hostNames.push(`esx${String(h + 1).padStart(2, '0')}.bench.local`);
    const apps = [h, h - 1, h - 2, h + 20, h + 19, h + 18].map((g) => ((g % APPS) + APPS) % APPS);
    for (let s = 0; s < FILTERS_PER_HOST; s++) {
      const role = roleOf(h, s, hosts);
      let hash: string;
      do hash = String(10000 + rnd(89999));
      while (usedHashes.has(hash));
      usedHashes.add(hash);
      const world = 2000000 + h * 1000 + s * 7;
      const app = apps[s % 6] as number;
      const tier = Math.floor(s / 6) % 3;
      const name = role === 'app' ? `app${String(app).padStart(2, '0')}-${['web', 'app', 'db'][tier]}-h${h + 1}s${s}` : `${role === 'observer' ? 'lb' : role}-h${h + 1}`;
      vms.push({ host: h, slot: s, role, app, tier, ip: `10.20.${h}.${10 + s}`, hash, world, name, filterName: `nic-${world}-eth0-vmware-sfw.2` });
    }
  }
  return { vms, hostNames, byIp: new Map(vms.map((v) => [v.ip, v])), observers: vms.filter((v) => v.role === 'observer') };
}

// ---- realized rules (getrules -f): the same Applied-To-DFW rule table on every filter ----

interface RuleRef {
  id: number;
  tag: string;
}
const R = {
  ssh: { id: 1100, tag: 'jump-ssh' },
  icmp: { id: 1101, tag: 'mon-icmp' },
  dns: { id: 1102, tag: 'dns' },
  dnsTcp: { id: 1103, tag: 'dns-tcp' },
  ssdp: { id: 1104, tag: 'ssdp' },
  netbios: { id: 1105, tag: 'netbios-drop' },
  netbiosDgm: { id: 1106, tag: 'netbios-drop' },
  licBcast: { id: 1107, tag: 'lic-bcast' },
  observerDeny: { id: 1026, tag: 'default-deny' },
  defaultDrop: { id: 1001, tag: 'default-drop' },
} satisfies Record<string, RuleRef>;
/** app g: 0 users->web (443, 80), 1 web->app 8443, 2 app->db 5432, 3 reject rdp to db, 4 reject snmp to db, 5 monitor->app 9100 */
const appRule = (g: number, k: number): RuleRef => ({ id: 2000 + g * 10 + k, tag: `app${String(g).padStart(2, '0')}-${['web', 'app', 'db', 'no-rdp', 'no-snmp', 'metrics'][k]}` });
const sg = (g: number, tier: number) => `ip-securitygroup-${100 + tier * 100 + g}`;
const SG_DNS = 'ip-securitygroup-10';
const SG_JUMP = 'ip-securitygroup-11';
const SG_MON = 'ip-securitygroup-12';
const SG_ALL = 'ip-securitygroup-13';
const SET_USERS = 'ip-ipset-5';
const SET_SSDP = 'ip-ipset-6';
const SET_BCAST = 'ip-ipset-7';

/** The rule lines of one filter's `domain-c7` ruleset, in order, numbered `at N`. */
export function ruleLines(vm: Vm): string[] {
  const body: string[] = [
    `protocol tcp from addrset ${SG_JUMP} to addrset ${SG_ALL} port 22 accept with log tag '${R.ssh.tag}'`,
    `protocol icmp from addrset ${SG_MON} to any accept with log tag '${R.icmp.tag}'`,
    `protocol udp from any to addrset ${SG_DNS} port 53 accept with log tag '${R.dns.tag}'`,
    `protocol tcp from any to addrset ${SG_DNS} port 53 accept with log tag '${R.dnsTcp.tag}'`,
    `protocol udp from any to addrset ${SET_SSDP} port 1900 accept with log tag '${R.ssdp.tag}'`,
    `protocol udp from any to any port 137 drop with log tag '${R.netbios.tag}'`,
    `protocol udp from any to any port 138 drop with log tag '${R.netbiosDgm.tag}'`,
    `protocol udp from any to addrset ${SET_BCAST} port 1947 accept with log tag '${R.licBcast.tag}'`,
  ];
  const ids = [R.ssh, R.icmp, R.dns, R.dnsTcp, R.ssdp, R.netbios, R.netbiosDgm, R.licBcast].map((r) => r.id);
  for (let g = 0; g < APPS; g++) {
    const lines: [number, string][] = [
      [0, `protocol tcp from addrset ${SET_USERS} to addrset ${sg(g, 0)} port 443 accept with log tag '${appRule(g, 0).tag}'`],
      [0, `protocol tcp from addrset ${SET_USERS} to addrset ${sg(g, 0)} port 80 accept with log tag '${appRule(g, 0).tag}'`],
      [1, `protocol tcp from addrset ${sg(g, 0)} to addrset ${sg(g, 1)} port 8443 accept with log tag '${appRule(g, 1).tag}'`],
      [2, `protocol tcp from addrset ${sg(g, 1)} to addrset ${sg(g, 2)} port 5432 accept with log tag '${appRule(g, 2).tag}'`],
      [3, `protocol tcp from any to addrset ${sg(g, 2)} port 3389 reject with log tag '${appRule(g, 3).tag}'`],
      [4, `protocol udp from any to addrset ${sg(g, 2)} port 161 reject with log tag '${appRule(g, 4).tag}'`],
      [5, `protocol tcp from addrset ${SG_MON} to addrset ${sg(g, 1)} port 9100 accept with log tag '${appRule(g, 5).tag}'`],
    ];
    for (const [k, text] of lines) {
      body.push(text);
      ids.push(appRule(g, k).id);
    }
  }
  // the F5's filter 53210: a reject-all below its service rules (logs/f5-promiscuous)
  if (vm.role === 'observer') {
    body.push(`protocol any from any to any reject with log tag '${R.observerDeny.tag}'`);
    ids.push(R.observerDeny.id);
  }
  // NSX-V default rules (vsipioctl.md §4.5): ND, DHCP, then the default rule last
  body.push('protocol ipv6-icmp icmptype 136 from any to any accept', 'protocol ipv6-icmp icmptype 135 from any to any accept');
  ids.push(1003, 1003);
  body.push('protocol udp from any to any port 67 accept', 'protocol udp from any to any port 68 accept');
  ids.push(1002, 1002);
  body.push(`protocol any from any to any drop with log tag '${R.defaultDrop.tag}'`);
  ids.push(R.defaultDrop.id);
  return body.map((b, i) => `rule ${ids[i]} at ${i + 1} inout ${b};`);
}

/** Every address set the rules use, with its members (getaddrsets -f prints the same sets on every filter). */
export function addrsets(topo: Topology): [string, string[]][] {
  const of = (pred: (v: Vm) => boolean) => topo.vms.filter(pred).map((v) => v.ip);
  const out: [string, string[]][] = [
    [SG_DNS, of((v) => v.role === 'dns')],
    [SG_JUMP, of((v) => v.role === 'jump')],
    [SG_MON, of((v) => v.role === 'monitor')],
    [SG_ALL, ['10.20.0.0/16']],
    [SET_USERS, ['10.70.0.0/16']],
    [SET_SSDP, ['239.255.255.250']],
    [SET_BCAST, topo.hostNames.map((_, h) => `10.20.${h}.255`)],
  ];
  for (let g = 0; g < APPS; g++) for (let t = 0; t < 3; t++) out.push([sg(g, t), of((v) => v.role === 'app' && v.app === g && v.tier === t)]);
  return out;
}

// ---- captures ----

function vmUuid(v: Vm): string {
  const b = [0x50, 0x1e, v.host, v.slot, (v.world >> 8) & 0xff, v.world & 0xff, 0x4a, 0x11, 0x9c, 0x02, v.host * 3, v.slot * 5, 0x20, 0x31, 0x42, 0x53];
  const hex = b.map((x) => (x & 0xff).toString(16).padStart(2, '0'));
  return `${hex.slice(0, 8).join(' ')}-${hex.slice(8).join(' ')}`;
}

function writeCaptures(dir: string, topo: Topology, h: number): void {
  const host = topo.hostNames[h] as string;
  const p = `[root@${host.split('.')[0]}:~]`;
  const vms = topo.vms.filter((v) => v.host === h);
  const sets = addrsets(topo);
  const getfilters = [`${p} vsipioctl getfilters`, ''];
  const summarize = [`${p} summarize-dvfilter`, 'Fastpaths:', 'agent: vmware-sfw, refCount: 26, rev: 0x1010000, apiRev: 0x1010000, module: vsip', '', 'Slowpaths:', '', 'Filters:'];
  const getrules: string[] = [];
  const getaddrsets: string[] = [];
  for (const v of vms) {
    getfilters.push(`Filter Name              : ${v.filterName}`, `VM UUID                  : ${vmUuid(v)}`, 'VNIC Index               : 0', 'Service Profile          : --NOT SET--', `Filter Hash              : ${v.hash}`, '');
    summarize.push(
      `world ${v.world} vmm0:${v.name} vcUuid:'${vmUuid(v)}'`,
      ` port ${50331660 + v.slot} ${v.name}.eth0`,
      '  vNic slot 2',
      `   name: ${v.filterName}`,
      '   agentName: vmware-sfw',
      '   state: IOChain Attached',
      '   vmState: Detached',
      '   failurePolicy: failClosed',
      '   slowPathID: none',
      '   filter source: Dynamic Filter Creation',
    );
    getrules.push(`${p} vsipioctl getrules -f ${v.filterName}`, 'ruleset domain-c7 {', '  # Filter rules', ...ruleLines(v).map((r) => `  ${r}`), '}', '');
    getrules.push('ruleset domain-c7_L2 {', '  # Filter rules', '  rule 1004 at 1 inout ethertype any from any to any accept;', '}', '');
    getaddrsets.push(`${p} vsipioctl getaddrsets -f ${v.filterName}`);
    for (const [name, ips] of sets) getaddrsets.push(`addrset ${name} {`, ...ips.map((ip) => `ip ${ip},`), '}');
  }
  for (const a of [getfilters, summarize, getrules, getaddrsets]) a.push(p);
  mkdirSync(join(dir, 'commands'), { recursive: true });
  writeFileSync(join(dir, 'commands', 'vsipioctl-getfilters.txt'), `${getfilters.join('\n')}\n`);
  writeFileSync(join(dir, 'commands', 'summarize-dvfilter.txt'), `${summarize.join('\n')}\n`);
  writeFileSync(join(dir, 'commands', 'vsipioctl-getrules.txt'), `${getrules.join('\n')}\n`);
  writeFileSync(join(dir, 'commands', 'vsipioctl-getaddrsets.txt'), `${getaddrsets.join('\n')}\n`);
}

// ---- traffic ----

/** A log line due at time `t` in host `host`'s file; `seq` keeps insertion order for equal ms. */
interface Due {
  t: number;
  seq: number;
  host: number;
  body: string;
}

/** Min-heap on (t, seq): lines are scheduled ahead (TERMs, retries) and written in time order. */
class DueHeap {
  private readonly a: Due[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): Due | undefined {
    return this.a[0];
  }
  private less(i: number, j: number): boolean {
    const x = this.a[i] as Due;
    const y = this.a[j] as Due;
    return x.t < y.t || (x.t === y.t && x.seq < y.seq);
  }
  private swap(i: number, j: number): void {
    const t = this.a[i] as Due;
    this.a[i] = this.a[j] as Due;
    this.a[j] = t;
  }
  push(d: Due): void {
    this.a.push(d);
    let i = this.a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): Due | undefined {
    const top = this.a[0];
    const last = this.a.pop();
    if (this.a.length > 0 && last !== undefined) {
      this.a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.a.length && this.less(l, m)) m = l;
        if (r < this.a.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

/** What the generator wrote. */
export interface GenStats {
  events: number;
  /** connections by kind (for the report) */
  kinds: Record<string, number>;
  hosts: number;
  filters: number;
  bytes: number;
}

type Endpoint = { vm: Vm; ip: string } | { vm: null; ip: string };

/**
 * The traffic model: connection starts arrive at random (exponential gaps); each kind schedules
 * the lines every filter on its path would log. Ports: one counter per source address, so no
 * 5-tuple repeats within the log (a repeat inside a state's expiry interval would be
 * `state-uncertain` in the replay, not what this bench is about).
 */
class Traffic {
  private readonly rnd: ReturnType<typeof mulberry32>;
  private readonly heap = new DueHeap();
  private seq = 0;
  private readonly ports = new Map<string, number>();
  private readonly users: string[] = [];
  private readonly apps: Vm[][][] = [];
  private readonly byHost: Vm[][] = [];
  /** applications with a VM in every tier (all of them on 20 hosts) */
  private readonly liveApps: number[] = [];
  private pingNext = 0;
  scheduled = 0;
  readonly kinds: Record<string, number> = {};

  constructor(private readonly topo: Topology) {
    this.rnd = mulberry32(20240515);
    for (let i = 0; i < 2000; i++) this.users.push(`10.70.${i >> 8}.${(i & 255) + 1 > 254 ? 254 : (i & 255) + 1}`);
    for (let g = 0; g < APPS; g++) this.apps.push([[], [], []]);
    for (let h = 0; h < topo.hostNames.length; h++) this.byHost.push([]);
    for (const v of topo.vms) {
      this.byHost[v.host]?.push(v);
      if (v.role === 'app') this.apps[v.app]?.[v.tier]?.push(v);
    }
    for (let g = 0; g < APPS; g++) if ((this.apps[g] as Vm[][]).every((tier) => tier.length > 0)) this.liveApps.push(g);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.rnd.int(xs.length)] as T;
  }

  private port(ip: string): number {
    const p = this.ports.get(ip) ?? 20000 + this.rnd.int(20000);
    const next = p + 1 + this.rnd.int(3);
    this.ports.set(ip, next > 65535 ? 1024 : next);
    return p;
  }

  private at(t: number, vm: Vm, body: string): void {
    this.heap.push({ t, seq: this.seq++, host: vm.host, body: `${vm.hash} ${body}` });
    this.scheduled++;
  }

  /** Lines due before `t`, in order. */
  *due(t: number): Generator<Due> {
    while (this.heap.size > 0 && (this.heap.peek() as Due).t < t) yield this.heap.pop() as Due;
  }

  *drain(): Generator<Due> {
    while (this.heap.size > 0) yield this.heap.pop() as Due;
  }

  /** The observer that sees copies of traffic to or from this VM (its promiscuous port group), if any. */
  private observerOf(vm: Vm | null): Vm | null {
    if (vm === null || vm.slot >= OBSERVED_SLOTS) return null;
    return this.topo.observers.find((o) => o.host === vm.host) ?? null;
  }

  /** One connection start at `t`, of a kind drawn by weight. */
  start(t: number): void {
    const k = this.rnd.int(100);
    const kind =
      k < 16 ? 'users-web' : k < 36 ? 'web-app' : k < 50 ? 'app-db' : k < 53 ? 'jump-ssh' : k < 55 ? 'mon-metrics' : k < 69 ? 'dns' : k < 74 ? 'ping' : k < 78 ? 'ssdp' : k < 81 ? 'lic-bcast'
        : k < 88 ? 'drop-db' : k < 91 ? 'drop-users-ssh' : k < 95 ? 'reject-rdp' : k < 97 ? 'reject-users-rdp' : k < 98 ? 'reject-snmp' : 'netbios';
    this.kinds[kind] = (this.kinds[kind] ?? 0) + 1;
    const g = this.pick(this.liveApps);
    const tiers = this.apps[g] as Vm[][];
    const user = (): Endpoint => ({ vm: null, ip: this.pick(this.users) });
    const near = (from: Vm, pool: Vm[]): Vm => {
      const same = pool.filter((v) => v.host === from.host);
      return same.length > 0 && this.rnd.int(2) === 0 ? this.pick(same) : this.pick(pool);
    };
    const mon = this.pick(this.topo.vms.filter((v) => v.role === 'monitor'));
    switch (kind) {
      case 'users-web': {
        const web = this.pick(tiers[0] as Vm[]);
        return this.tcp(t, user(), { vm: web, ip: web.ip }, this.rnd.int(5) === 0 ? 80 : 443, appRule(g, 0));
      }
      case 'web-app': {
        const c = this.pick(tiers[0] as Vm[]);
        const s = near(c, tiers[1] as Vm[]);
        return this.tcp(t, { vm: c, ip: c.ip }, { vm: s, ip: s.ip }, 8443, appRule(g, 1));
      }
      case 'app-db': {
        const c = this.pick(tiers[1] as Vm[]);
        const s = near(c, tiers[2] as Vm[]);
        return this.tcp(t, { vm: c, ip: c.ip }, { vm: s, ip: s.ip }, 5432, appRule(g, 2));
      }
      case 'jump-ssh': {
        const c = this.pick(this.topo.vms.filter((v) => v.role === 'jump'));
        const s = this.pick(this.topo.vms.filter((v) => v.role === 'app'));
        return this.tcp(t, { vm: c, ip: c.ip }, { vm: s, ip: s.ip }, 22, R.ssh);
      }
      case 'mon-metrics': {
        const s = this.pick(tiers[1] as Vm[]);
        return this.tcp(t, { vm: mon, ip: mon.ip }, { vm: s, ip: s.ip }, 9100, appRule(g, 5));
      }
      case 'dns': {
        const c = this.pick(this.topo.vms.filter((v) => v.role === 'app'));
        const s = near(c, this.topo.vms.filter((v) => v.role === 'dns'));
        return this.dns(t, c, s);
      }
      case 'ping':
        return this.ping(t, mon);
      case 'ssdp':
        return this.groupcast(t, this.pick(this.topo.vms.filter((v) => v.role === 'app')), '239.255.255.250', 1900, R.ssdp, 201);
      case 'lic-bcast': {
        const c = this.pick(this.topo.vms.filter((v) => v.role === 'app'));
        return this.groupcast(t, c, `10.20.${c.host}.255`, 1947, R.licBcast, 68);
      }
      case 'drop-db': {
        // no rule allows 1433 to the db tier: the sender's default rule drops every retransmission
        const c = this.pick(tiers[1] as Vm[]);
        const s = this.pick(tiers[2] as Vm[]);
        const sp = this.port(c.ip);
        for (const dt of [0, 1000, 3000]) this.at(t + dt, c, `INET match DROP domain-c7/${R.defaultDrop.id} OUT 60 TCP ${c.ip}/${sp}->${s.ip}/1433 S ${R.defaultDrop.tag}`);
        return;
      }
      case 'drop-users-ssh': {
        const s = this.pick(tiers[0] as Vm[]);
        const ip = user().ip;
        const sp = this.port(ip);
        for (const dt of [0, 1000, 3000]) this.at(t + 2 + dt, s, `INET match DROP domain-c7/${R.defaultDrop.id} IN 52 TCP ${ip}/${sp}->${s.ip}/22 S ${R.defaultDrop.tag}`);
        return;
      }
      case 'reject-rdp': {
        // rejected on the sender's own filter (the rule is on every filter): the RST goes straight back
        const c = this.pick(this.topo.vms.filter((v) => v.role === 'app'));
        const s = this.pick(tiers[2] as Vm[]);
        const r = appRule(g, 3);
        this.at(t, c, `INET match REJECT domain-c7/${r.id} OUT 52 TCP ${c.ip}/${this.port(c.ip)}->${s.ip}/3389 S ${r.tag}`);
        return;
      }
      case 'reject-users-rdp': {
        // from outside: only the receiver's filter sees it, IN
        const s = this.pick(tiers[2] as Vm[]);
        const ip = user().ip;
        const r = appRule(g, 3);
        const sp = this.port(ip);
        for (const dt of [0, 3000]) this.at(t + 2 + dt, s, `INET match REJECT domain-c7/${r.id} IN 52 TCP ${ip}/${sp}->${s.ip}/3389 S ${r.tag}`);
        return;
      }
      case 'reject-snmp': {
        const s = this.pick(tiers[2] as Vm[]);
        const r = appRule(g, 4);
        this.at(t, mon, `INET match REJECT domain-c7/${r.id} OUT 78 UDP ${mon.ip}/${this.port(mon.ip)}->${s.ip}/161 ${r.tag}`);
        return;
      }
      default: {
        // NetBIOS name query broadcast, dropped on the sender every time it is retried
        const c = this.pick(this.topo.vms.filter((v) => v.role === 'app'));
        for (const dt of [0, 750, 1500]) this.at(t + dt, c, `INET match DROP domain-c7/${R.netbios.id} OUT 78 UDP ${c.ip}/137->10.20.${c.host}.255/137 ${R.netbios.tag}`);
      }
    }
  }

  /** When the receiver's filter logs a packet the sender's filter logged at `t`: same ms or a little later. */
  private arrival(t: number, from: Endpoint, to: Vm): number {
    return from.vm !== null && from.vm.host === to.host ? t + this.rnd.int(2) : t + 1 + this.rnd.int(3);
  }

  /** An allowed TCP connection: SYN on each protected endpoint's filter, TERM on each at the end. */
  private tcp(t: number, c: Endpoint, s: { vm: Vm; ip: string }, dport: number, rule: RuleRef): void {
    const sp = this.port(c.ip);
    const len = this.rnd.int(3) === 0 ? 52 : 60;
    const tuple = `${c.ip}/${sp}->${s.ip}/${dport}`;
    const ts = this.arrival(t, c, s.vm);
    if (c.vm !== null) this.at(t, c.vm, `INET match PASS domain-c7/${rule.id} OUT ${len} TCP ${tuple} S ${rule.tag}`);
    this.at(ts, s.vm, `INET match PASS domain-c7/${rule.id} IN ${len} TCP ${tuple} S ${rule.tag}`);
    const obs = this.observerOf(s.vm) ?? this.observerOf(c.vm);
    if (obs !== null) {
      // the F5 case (dfw-stateful.md §4.4): the observer passes the SYN copy, rejects the SYN/ACK
      // copy (IN B->A finds no state), the server is reset by that RST and answers the client's
      // ACK with a bare RST, which the observer rejects again; both endpoints end with TERM RST
      const to = obs.host === s.vm.host ? ts : t;
      const rev = `${s.ip}/${dport}->${c.ip}/${sp}`;
      this.at(to, obs, `INET match PASS domain-c7/${rule.id} IN ${len} TCP ${tuple} S ${rule.tag}`);
      this.at(to + 1, obs, `INET match REJECT domain-c7/${R.observerDeny.id} IN 52 TCP ${rev} SA ${R.observerDeny.tag}`);
      this.at(to + 1, obs, `INET match REJECT domain-c7/${R.observerDeny.id} IN 40 TCP ${rev} R ${R.observerDeny.tag}`);
      this.at(ts + 1, s.vm, `INET TERM domain-c7/${rule.id} IN TCP RST ${tuple} 2/1 92/52`);
      if (c.vm !== null) this.at(t + 2, c.vm, `INET TERM domain-c7/${rule.id} OUT TCP RST ${tuple} 2/2 92/92`);
      // the observer's own state (created by the SYN copy) times out: nothing of it comes back IN A->B
      this.at(to + 30_000, obs, `INET TERM domain-c7/${rule.id} IN TCP TIMEOUT ${tuple} 2/0 92/0`);
      return;
    }
    const dur = 20 + this.rnd.int(this.rnd.int(4) === 0 ? 120_000 : 5_000);
    const reset = this.rnd.int(10) === 0;
    const pf = 4 + this.rnd.int(40);
    const pr = 3 + this.rnd.int(40);
    const counters = `${pf}/${pr} ${pf * 60 + this.rnd.int(20000)}/${pr * 60 + this.rnd.int(90000)}`;
    const close = reset ? 'RST' : 'FIN';
    if (c.vm !== null) this.at(t + dur, c.vm, `INET TERM domain-c7/${rule.id} OUT TCP ${close} ${tuple} ${counters}`);
    this.at(ts + dur, s.vm, `INET TERM domain-c7/${rule.id} IN TCP ${close} ${tuple} ${counters}`);
  }

  /** A DNS query: allowed both ends, UDP TERM at the state's timeout; an observer rejects the reply copy. */
  private dns(t: number, c: Vm, s: Vm): void {
    const sp = this.port(c.ip);
    const tuple = `${c.ip}/${sp}->${s.ip}/53`;
    const ts = this.arrival(t, { vm: c, ip: c.ip }, s);
    this.at(t, c, `INET match PASS domain-c7/${R.dns.id} OUT 71 UDP ${tuple} ${R.dns.tag}`);
    this.at(ts, s, `INET match PASS domain-c7/${R.dns.id} IN 71 UDP ${tuple} ${R.dns.tag}`);
    this.at(t + 60_000, c, `INET TERM domain-c7/${R.dns.id} OUT UDP ${tuple} 1/1 72/103`);
    this.at(ts + 60_000, s, `INET TERM domain-c7/${R.dns.id} IN UDP ${tuple} 1/1 72/103`);
    const obs = this.observerOf(c) ?? this.observerOf(s);
    if (obs !== null) {
      const to = obs.host === s.host ? ts : t;
      this.at(to, obs, `INET match PASS domain-c7/${R.dns.id} IN 71 UDP ${tuple} ${R.dns.tag}`);
      this.at(to + 1, obs, `INET match REJECT domain-c7/${R.observerDeny.id} IN 103 UDP ${s.ip}/53->${c.ip}/${sp} ${R.observerDeny.tag}`);
      this.at(to + 60_000, obs, `INET TERM domain-c7/${R.dns.id} IN UDP ${tuple} 1/0 72/0`);
    }
  }

  /** A monitor pings the next VM in turn (one pair every ~500 pings: never inside the 20 s ICMP state). */
  private ping(t: number, mon: Vm): void {
    const targets = this.topo.vms;
    let v = targets[this.pingNext++ % targets.length] as Vm;
    if (v === mon || v.role === 'monitor') v = targets[this.pingNext++ % targets.length] as Vm;
    if (v.role === 'monitor') return;
    this.at(t, mon, `INET match PASS domain-c7/${R.icmp.id} OUT 84 ICMP ${mon.ip}->${v.ip} ${R.icmp.tag}`);
    this.at(this.arrival(t, { vm: mon, ip: mon.ip }, v), v, `INET match PASS domain-c7/${R.icmp.id} IN 84 ICMP ${mon.ip}->${v.ip} ${R.icmp.tag}`);
  }

  /** Multicast / subnet broadcast: the sender's OUT and an IN on several vNICs of its host, each with a TERM. */
  private groupcast(t: number, c: Vm, group: string, dport: number, rule: RuleRef, len: number): void {
    const sp = this.port(c.ip);
    const tuple = `${c.ip}/${sp}->${group}/${dport}`;
    this.at(t, c, `INET match PASS domain-c7/${rule.id} OUT ${len} UDP ${tuple} ${rule.tag}`);
    this.at(t + 60_000, c, `INET TERM domain-c7/${rule.id} OUT UDP ${tuple} 1/0 ${len - 3}/0`);
    const peers = (this.byHost[c.host] as Vm[]).filter((v) => v !== c && v.role === 'app' && (group.endsWith('.255') ? v.app === c.app : this.rnd.int(6) === 0));
    for (const v of peers) {
      const tr = t + this.rnd.int(2);
      this.at(tr, v, `INET match PASS domain-c7/${rule.id} IN ${len} UDP ${tuple} ${rule.tag}`);
      this.at(tr + 60_000, v, `INET TERM domain-c7/${rule.id} IN UDP ${tuple} 1/0 ${len - 3}/0`);
    }
  }

  gap(): number {
    return Math.max(0, Math.round(-Math.log(1 - this.rnd.unit()) * MEAN_GAP_MS));
  }
}

/** The support-bundle folder of host `h` (vm-support naming: ingest reads the host from it). */
export function bundleDir(root: string, topo: Topology, h: number): string {
  return join(root, `esx-${topo.hostNames[h]}-2024-05-15--10.00-${4100 + h}`);
}

/**
 * Writes the host bundles (20 by default) under `root` (replacing it) with about `events` log lines in total
 * (connections are started until the scheduled lines reach `events`; the last ones' TERMs may
 * add a few more).
 */
export async function generateDiagnoseBundles(root: string, events: number, hosts = HOSTS): Promise<GenStats> {
  rmSync(root, { recursive: true, force: true });
  const topo = buildTopology(hosts);
  const streams: WriteStream[] = [];
  const bufs: string[] = [];
  for (let h = 0; h < hosts; h++) {
    const dir = bundleDir(root, topo, h);
    writeCaptures(dir, topo, h);
    mkdirSync(join(dir, 'var', 'log'), { recursive: true });
    streams.push(createWriteStream(join(dir, 'var', 'log', 'dfwpktlogs.log'), { highWaterMark: 1 << 20 }));
    bufs.push('');
  }
  let written = 0;
  let bytes = 0;
  const write = async (d: Due) => {
    const line = `${new Date(d.t).toISOString()} ${d.body}\n`;
    written++;
    bytes += line.length;
    const b = (bufs[d.host] as string) + line;
    if (b.length < 1 << 20) {
      bufs[d.host] = b;
      return;
    }
    bufs[d.host] = '';
    const s = streams[d.host] as WriteStream;
    if (!s.write(b)) await once(s, 'drain');
  };
  const traffic = new Traffic(topo);
  let t = START_MS;
  while (traffic.scheduled < events) {
    t += traffic.gap();
    for (const d of traffic.due(t)) await write(d);
    traffic.start(t);
  }
  for (const d of traffic.drain()) await write(d);
  await Promise.all(
    streams.map(async (s, h) => {
      s.end(bufs[h]);
      await once(s, 'finish');
    }),
  );
  return { events: written, kinds: traffic.kinds, hosts, filters: topo.vms.length, bytes };
}

/** A generated and ingested store, and what it took. */
export interface DiagnoseStore {
  db: string;
  events: number;
  cached: boolean;
  genSeconds: number | null;
  ingestSeconds: number | null;
  ingest: { events: number; rejected: number; skipped: number; records: number } | null;
  gen: GenStats | null;
}

const now = () => Number(process.hrtime.bigint()) / 1e9;

/**
 * The store of `events` lines under bench/out/, generated and ingested with the real CLI when
 * missing (or `BENCH_REGEN=1`); otherwise the cached one (its meta file keeps the figures of the
 * run that built it). Throws when ingest rejects any line: generator and parser disagree.
 */
export async function ensureDiagnoseStore(events: number, outDir = resolve('bench/out')): Promise<DiagnoseStore> {
  mkdirSync(outDir, { recursive: true });
  const db = join(outDir, `diagnose-${events}.db`);
  const meta = `${db}.json`;
  if (existsSync(db) && existsSync(meta) && !process.env['BENCH_REGEN']) {
    return { ...(JSON.parse(readFileSync(meta, 'utf8')) as DiagnoseStore), cached: true };
  }
  const root = join(outDir, `diagnose-${events}`);
  process.stderr.write(`generating ${events.toLocaleString('en-US')} events into ${root} ...\n`);
  let t0 = now();
  const gen = await generateDiagnoseBundles(root, events);
  const genSeconds = now() - t0;
  for (const s of ['', '-wal', '-shm', '-journal']) rmSync(db + s, { force: true });
  process.stderr.write(`ingesting into ${db} ...\n`);
  t0 = now();
  const child = spawnSync(process.execPath, ['dist/src/cli/bin.js', 'ingest', root, '--db', db, '--format', 'json'], {
    encoding: 'utf8',
    env: { ...process.env, CI: '1' },
    maxBuffer: 1 << 28,
  });
  const ingestSeconds = now() - t0;
  if (child.status !== 0) throw new Error(`ingest of the generated store failed (exit ${child.status}): ${child.stderr.slice(0, 2000)}`);
  const summary = JSON.parse(child.stdout) as { events: number; rejected: number; skipped: number; records?: number };
  if (summary.rejected !== 0) throw new Error(`ingest rejected ${summary.rejected} generated line(s): generator and parser disagree`);
  rmSync(root, { recursive: true, force: true }); // the store is what the bench reads; the text is 20x bigger
  const out: DiagnoseStore = {
    db,
    events: gen.events,
    cached: false,
    genSeconds,
    ingestSeconds,
    ingest: { events: summary.events, rejected: summary.rejected, skipped: summary.skipped, records: summary.records ?? 0 },
    gen,
  };
  writeFileSync(meta, JSON.stringify(out, null, 2));
  return out;
}

// `node dist/bench/gen-diagnose-store.js`: build (or reuse) the DIAG_EVENTS store and print what it took
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const events = Number(process.env['DIAG_EVENTS'] ?? 1_000_000);
  ensureDiagnoseStore(events)
    .then((s) => process.stdout.write(`${JSON.stringify(s, null, 2)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exitCode = 1;
    });
}
