import type { CommandModule } from 'yargs';
import type { StoredEvent } from '../../model/packet-event.js';
import { parseTimeBound, queryEvents } from '../../store/events-repo.js';
import { renderRows, type Column } from '../../report/tabular.js';
import { UsageError, type CliContext } from '../io.js';
import { asOutputFormat, intOption, open, withDb, withFormat } from '../options.js';

interface Args {
  db: string;
  format: string;
  'filter-hash'?: string;
  rule?: string;
  action?: string;
  src?: string;
  dst?: string;
  port?: number;
  since?: string;
  until?: string;
  host?: string;
  limit?: number;
}

/** The contract keys of `dfwsim events --format json`, in this order, then the extensions. */
export function eventJson(e: StoredEvent) {
  return {
    id: e.id, ts: e.ts, host: e.host, filterHash: e.filterHash, af: e.af, reason: e.reason, action: e.action,
    ruleset: e.ruleset, ruleId: e.ruleId, direction: e.direction, length: e.length, protocol: e.protocol,
    src: e.src, srcPort: e.srcPort, dst: e.dst, dstPort: e.dstPort, tcpFlags: e.tcpFlags, icmpType: e.icmpType,
    icmpCode: e.icmpCode, closeReason: e.closeReason, packetsIn: e.packetsIn, packetsOut: e.packetsOut,
    bytesIn: e.bytesIn, bytesOut: e.bytesOut, tag: e.tag, source: e.source, line: e.line,
    producer: e.producer, envelope: e.envelope, vrf: e.vrf, interfaceId: e.interfaceId, policyRef: e.policyRef,
    ruleName: e.ruleName, table: e.table, ofPriority: e.ofPriority, appliedTo: e.appliedTo,
    dedupCount: e.dedupCount, dedupDuration: e.dedupDuration,
  };
}

const endpoint = (a: string | null, p: number | null) => (a === null ? '' : p === null ? a : a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`);

const COLUMNS: Column<StoredEvent>[] = [
  { header: 'id', get: (e) => e.id },
  { header: 'ts', get: (e) => e.ts },
  { header: 'host', get: (e) => e.host },
  { header: 'filter', get: (e) => e.filterHash },
  { header: 'reason', get: (e) => e.reason },
  { header: 'action', get: (e) => e.action },
  { header: 'rule', get: (e) => (e.ruleId !== null ? (e.ruleset ? `${e.ruleset}/${e.ruleId}` : e.ruleId) : (e.ruleName ?? e.policyRef)) },
  { header: 'dir', get: (e) => e.direction },
  { header: 'proto', get: (e) => e.protocol },
  { header: 'src', get: (e) => endpoint(e.src, e.srcPort) },
  { header: 'dst', get: (e) => endpoint(e.dst, e.dstPort) },
  { header: 'flags', get: (e) => e.tcpFlags ?? e.closeReason },
  { header: 'tag', get: (e) => e.tag },
];

export function eventsCommand(ctx: CliContext): CommandModule<object, Args> {
  return {
    command: 'events',
    describe: 'List stored packet events',
    builder: (y) =>
      withFormat(withDb(y))
        .option('filter-hash', { type: 'string', describe: 'vNIC filter hash (53210, b6507827)' })
        .option('rule', { type: 'string', describe: 'rule id (1026, domain-c7/1026) or Antrea rule name / policy reference' })
        .option('action', { type: 'string', describe: 'PASS, DROP, REJECT, ALLOW, ...' })
        .option('src', { type: 'string', describe: 'source address' })
        .option('dst', { type: 'string', describe: 'destination address' })
        .option('port', { type: 'string', describe: 'source or destination port' })
        .option('since', { type: 'string', describe: 'ISO date/time (UTC when no zone)' })
        .option('until', { type: 'string', describe: 'ISO date/time (UTC when no zone)' })
        .option('host', { type: 'string', describe: 'host name' })
        .option('limit', { type: 'string', describe: 'at most this many events' }) as never,
    handler: (argv) => {
      for (const k of ['since', 'until'] as const) {
        const v = argv[k];
        if (v !== undefined && parseTimeBound(v) === null) throw new UsageError(`--${k} is not a date or time: '${v}'`);
      }
      const db = open(argv.db, true);
      try {
        const rows = queryEvents(db, {
          filterHash: argv['filter-hash'], rule: argv.rule, action: argv.action, src: argv.src, dst: argv.dst,
          port: intOption('port', argv.port, 65535), since: argv.since, until: argv.until, host: argv.host,
          limit: intOption('limit', argv.limit),
        });
        ctx.io.out(renderRows(rows, COLUMNS, asOutputFormat(argv.format), eventJson));
      } finally {
        db.close();
      }
    },
  };
}
