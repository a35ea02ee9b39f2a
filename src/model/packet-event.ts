/**
 * One firewall log record (NSX dfwpktlog, NSX gateway, or Antrea np.log), normalised.
 * The field names are the `dfwsim events --format json` contract: keep them.
 * Every field the record lacks is null.
 */
export interface PacketEvent {
  /** timestamp as ISO 8601 UTC with ms (`2016-09-17T10:34:55.004Z`); a dateless line keeps its `T..Z` form */
  ts: string | null;
  /** epoch ms for ordering; a dateless line (`T01:29:48.363Z`) is placed on 1970-01-01 */
  tsMs: number | null;
  /** ESXi / Edge / Node host: from the syslog envelope, `--host`, or the support-bundle path */
  host: string | null;
  /** vNIC filter hash: NSX-V decimal (`53210`), NSX-T/4 8 lowercase hex (`b6507827`); null on old NSX-V and Edge */
  filterHash: string | null;
  /** `INET`, `INET6` or `L2` */
  af: 'INET' | 'INET6' | 'L2' | null;
  /** pf reason as logged: `match`, `reason-match` (Edge), `TERM`, `SpoofGuard`, `state-mismatch`, ... */
  reason: string | null;
  /** action as logged, upper case: `PASS`, `DROP`, `REJECT`, ... Antrea: `ALLOW`, `DROP`, `REJECT`, `PASS`, `REDIRECT` */
  action: string | null;
  /** `domain-c7`, `mainrs`, ...; null when the line has a bare rule id */
  ruleset: string | null;
  /** numeric rule id (NSX); null for Antrea (see `ruleName`) */
  ruleId: number | null;
  /** `IN` = toward the vNIC's VM (Antrea Ingress), `OUT` = from it (Antrea Egress) */
  direction: 'IN' | 'OUT' | null;
  /** IP total length of the logged packet; null on TERM records */
  length: number | null;
  /** lower case: `tcp`, `udp`, `icmp`, `ipv6-icmp`, `sctp`, or the decimal number for `PROTO n` */
  protocol: string | null;
  src: string | null;
  srcPort: number | null;
  dst: string | null;
  dstPort: number | null;
  /** TCP flags as logged (`S`, `SA`, `SEW`, `R`); only on TCP match records */
  tcpFlags: string | null;
  icmpType: number | null;
  icmpCode: number | null;
  /** TERM close reason: `RST`, `FIN`, `TIMEOUT` */
  closeReason: string | null;
  /** TERM counters `a/b c/d`: packetsIn=a, packetsOut=b, bytesIn=c, bytesOut=d (docs: "in / out") */
  packetsIn: number | null;
  packetsOut: number | null;
  bytesIn: number | null;
  bytesOut: number | null;
  /** rule tag / Antrea logLabel: free text to the end of the record */
  tag: string | null;
  /** source file path as given on the command line (or `-` for stdin) */
  source: string;
  /** 1-based line number in the (decompressed) source file */
  line: number;

  // ---- extensions beyond the contract ----
  /** which producer wrote the record: `nsx-dfw`, `nsx-gateway`, `antrea` */
  producer: 'nsx-dfw' | 'nsx-gateway' | 'antrea';
  /** envelope id from reference/dfwpktlog.md section 2 (`E1`..`E11`, `json`), or Antrea format `A`..`F` */
  envelope: string | null;
  /** Edge: VRF id and interface id (`55f1af2f487544e9:b0e059132ad7753d`) from the `<vrf ifid>` prefix */
  vrf: number | null;
  interfaceId: string | null;
  /** Antrea: `AntreaNetworkPolicy:ns/name`, `K8sNetworkPolicy`, ... */
  policyRef: string | null;
  /** Antrea rule name (`<nil>` becomes null) */
  ruleName: string | null;
  /** Antrea OVS table (`AntreaPolicyIngressRule`, `IngressDefaultRule`, ...) */
  table: string | null;
  /** Antrea OpenFlow priority as logged (string: may be `<nil>`-null or negative) */
  ofPriority: string | null;
  /** Antrea appliedTo `ns/pod` */
  appliedTo: string | null;
  /** Antrea de-dup suffix `[N packets in D]` */
  dedupCount: number | null;
  dedupDuration: string | null;
  /** the raw line as read (envelope included, line ending removed) */
  raw: string;
}

/** A PacketEvent as read back from the store: it has an id. */
export interface StoredEvent extends PacketEvent {
  id: number;
}

/**
 * The fields of a stored event that the replay and the analyses read. The streaming cursors of
 * src/store/ return this instead of a whole StoredEvent: fewer columns per row is what makes a
 * pass over millions of rows fast (better-sqlite3 pays per column read).
 */
export type ReplayInput = Pick<
  StoredEvent,
  | 'id' | 'ts' | 'tsMs' | 'host' | 'filterHash' | 'af' | 'reason' | 'action' | 'ruleset' | 'ruleId' | 'direction'
  | 'protocol' | 'src' | 'srcPort' | 'dst' | 'dstPort' | 'tcpFlags' | 'icmpType' | 'icmpCode' | 'closeReason' | 'tag'
  | 'producer'
>;
