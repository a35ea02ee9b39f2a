/**
 * The raw-insert baseline, run as its own process (like the end-to-end ingest it is
 * compared with, so each has a fresh heap and its own peak RSS): reads and parses the first
 * SAMPLE lines of the log untimed, then times inserting LINES pre-parsed rows (cycling the
 * sample) into the same schema through the same write path as ingest: the same prepared
 * insert shapes, the same transaction size, bulk-write mode and its final step included.
 * Prints one JSON line: { rowsPerSec, rows }.
 *
 *   node dist/bench/raw-insert.js LOG DB LINES [plain]
 * `plain` instead binds every column of every row and leaves SQLite's defaults (the
 * textbook way), for reference.
 */
import { rmSync } from 'node:fs';
import { readLines } from '../src/ingest/read-lines.js';
import { DEFAULT_BATCH_LINES } from '../src/ingest/ingest.js';
import { parseDfwpktlogLine } from '../src/parse/dfwpktlog.js';
import type { PacketEvent } from '../src/model/packet-event.js';
import { beginBulkWrite, endBulkWrite, openStore } from '../src/store/open.js';
import { insertEvent, prepareEventInserts } from '../src/store/events-repo.js';
import { insertSource } from '../src/store/sources-repo.js';

const SAMPLE = 500_000;

async function main(): Promise<void> {
  const [log, dbPath, linesArg, mode] = process.argv.slice(2);
  if (!log || !dbPath || !linesArg) throw new Error('usage: raw-insert LOG DB LINES [plain]');
  const lines = Number(linesArg);
  const events: PacketEvent[] = [];
  const ctx = { source: 'bench', line: 0, host: null };
  await readLines(log, {
    line(l, n) {
      if (events.length >= SAMPLE) return;
      ctx.line = n;
      const r = parseDfwpktlogLine(l, ctx);
      if (r.kind === 'event') events.push(r.event);
    },
    tooLong() {},
  });

  for (const s of ['', '-wal', '-shm', '-journal']) rmSync(dbPath + s, { force: true });
  const db = openStore(dbPath);
  const sid = insertSource(db, { path: 'bench', size: 0, sha256: 'bench', format: 'dfwpktlog', host: null });
  const batch = DEFAULT_BATCH_LINES;
  let insert: (from: number, to: number) => void;
  if (mode === 'plain') {
    const all = prepareEventInserts(db).full;
    insert = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const e = events[i % events.length]!;
        all.run(sid, e.line, e.ts, e.tsMs, e.host, e.filterHash, e.af, e.reason, e.action, e.ruleset, e.ruleId, e.direction,
          e.length, e.protocol, e.src, e.srcPort, e.dst, e.dstPort, e.tcpFlags, e.icmpType, e.icmpCode, e.closeReason,
          e.packetsIn, e.packetsOut, e.bytesIn, e.bytesOut, e.tag, e.producer, e.envelope, e.vrf, e.interfaceId, e.policyRef,
          e.ruleName, e.table, e.ofPriority, e.appliedTo, e.dedupCount, e.dedupDuration, e.raw);
      }
    });
  } else {
    const ins = prepareEventInserts(db);
    insert = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) insertEvent(ins, sid, events[i % events.length]!);
    });
  }
  const t0 = process.hrtime.bigint();
  const bulk = mode !== 'plain' ? beginBulkWrite(db) : null;
  for (let i = 0; i < lines; i += batch) insert(i, Math.min(i + batch, lines));
  if (bulk) endBulkWrite(db, bulk);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  db.close();
  process.stdout.write(`${JSON.stringify({ rowsPerSec: lines / seconds, rows: lines })}\n`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exitCode = 1;
});
