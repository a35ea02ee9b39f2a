/**
 * A vNIC's DFW filter (dvfilter slot 2 `vmware-sfw`), or a Kubernetes Pod interface.
 * Name and hash both identify a filter everywhere.
 */
export interface Filter {
  /** `nic-11240904-eth0-vmware-sfw.2` */
  name: string;
  /** NSX-V decimal or NSX-T/4 8-hex filter hash; null when the source did not print it */
  hash: string | null;
  /** VM UUID as printed (`50 1e 02 7b b0 88 05 47-c2 ed dd 92 22 93 12 1d`) */
  vmUuid: string | null;
  vmName: string | null;
  vnicIndex: number | null;
  host: string | null;
  /** world id from the filter name or summarize-dvfilter */
  worldId: string | null;
  /** port name (summarize-dvfilter), may contain spaces */
  portName: string | null;
  /** dvfilter slot (`2` for vmware-sfw) */
  slot: number | null;
  /** addresses the filter's VM is known to own (discovered IPs, inventory) */
  ips: string[];
}
