import type { PacketEvent } from '../../src/model/packet-event.js';

/** A complete NSX DFW match event with every field set or null; tests override what they vary. */
export function packetEvent(over: Partial<PacketEvent> = {}): PacketEvent {
  return {
    ts: '2024-05-15T00:00:00.000Z', tsMs: 1715731200000, host: 'esx-1', filterHash: 'b6507827', af: 'INET', reason: 'match',
    action: 'PASS', ruleset: null, ruleId: 1, direction: 'IN', length: 60, protocol: 'tcp', src: '10.0.0.1', srcPort: 1,
    dst: '10.0.0.2', dstPort: 22, tcpFlags: 'S', icmpType: null, icmpCode: null, closeReason: null, packetsIn: null,
    packetsOut: null, bytesIn: null, bytesOut: null, tag: null, source: 'x.log', line: 1, producer: 'nsx-dfw',
    envelope: 'E3', vrf: null, interfaceId: null, policyRef: null, ruleName: null, table: null, ofPriority: null,
    appliedTo: null, dedupCount: null, dedupDuration: null, raw: 'raw',
    ...over,
  };
}
