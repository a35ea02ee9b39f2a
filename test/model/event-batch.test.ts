import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLUMNS, DICT_LIMIT, EventBatchReader, EventPacker, TEXT_PIECE, WIDTH, type EventBatch } from '../../src/model/event-batch.js';
import type { PacketEvent } from '../../src/model/packet-event.js';
import { parseDfwpktlogLine } from '../../src/parse/dfwpktlog.js';
import { parseAntreaNpLogLine } from '../../src/parse/antrea-np-log.js';
import { CORPUS } from '../helpers/paths.js';
import { packetEvent } from '../helpers/events.js';

/** Every event the parsers make of the corpus logs. */
function corpusEvents(): PacketEvent[] {
  const out: PacketEvent[] = [];
  for (const [dir, parse] of [['dfwpktlog', parseDfwpktlogLine], ['antrea-np-log', parseAntreaNpLogLine]] as const) {
    for (const f of readdirSync(join(CORPUS, dir)).filter((n) => n.endsWith('.log'))) {
      readFileSync(join(CORPUS, dir, f), 'utf8').split('\n').forEach((text, i) => {
        const r = parse(text, { source: f, line: i + 1, host: null });
        if (r.kind === 'event') out.push(r.event);
      });
    }
  }
  return out;
}

/** Packs `events` in batches of `size`, reads every batch back in order. */
function roundTrip(events: PacketEvent[], size: number): { back: PacketEvent[]; batches: EventBatch[] } {
  const packer = new EventPacker(size);
  const reader = new EventBatchReader();
  const batches: EventBatch[] = [];
  const back: PacketEvent[] = [];
  const flush = () => {
    const b = packer.take();
    batches.push(b);
    reader.open(b);
    for (let r = 0; r < b.count; r++) back.push(reader.event(r, events[back.length]!.source));
  };
  for (const e of events) {
    packer.add(e);
    if (packer.size === size) flush();
  }
  flush();
  return { back, batches };
}

const base = packetEvent();

test('the column table and the packer agree: every PacketEvent field but source has one slot', (t) => {
  const fields = Object.keys(base).filter((k) => k !== 'source').sort();
  t.deepEqual(COLUMNS.map(([f]) => f as string).sort(), fields);
  t.is(WIDTH as number, fields.length);
});

test('every corpus event survives packing and reading back, field by field, whatever the batch size', (t) => {
  const events = corpusEvents();
  t.true(events.length > 60, `${events.length} events`);
  for (const size of [1, 7, 4096]) {
    const { back, batches } = roundTrip(events, size);
    t.is(back.length, events.length);
    back.forEach((e, i) => t.deepEqual(e, events[i], `batch size ${size}, event ${i}`));
    // each dictionary text is sent once per stream, not once per event
    const sent = batches.reduce((a, b) => a + b.dictAdd.length, 0);
    t.true(sent < events.length * 4, `${sent} dictionary entries for ${events.length} events`);
  }
});

test('null, empty and repeated texts stay apart; numbers keep null and zero apart', (t) => {
  const events: PacketEvent[] = [
    { ...base, ts: '', tag: '', src: null, srcPort: 0, icmpType: null },
    { ...base, ts: null, tag: null, src: '', srcPort: null, icmpType: 0, raw: '' },
    { ...base, tag: 'default-deny', bytesIn: 2 ** 40, tsMs: -1 },
    { ...base, tag: 'default-deny', producer: 'antrea', reason: null, ruleName: 'r1', dedupCount: 3 },
  ];
  t.deepEqual(roundTrip(events, 4).back, events);
});

test('the dictionary starts over at its limit, and the reader follows', (t) => {
  const events = Array.from({ length: DICT_LIMIT * 2 + 10 }, (_, i) => ({ ...base, line: i + 1, tag: `tag-${i}`, filterHash: `h${i % 3}` }));
  const { back, batches } = roundTrip(events, 1000);
  t.true(batches.some((b) => b.dictReset), 'a reset happened');
  back.forEach((e, i) => {
    if (e.tag !== events[i]!.tag || e.filterHash !== events[i]!.filterHash) t.fail(`event ${i}: ${e.tag} ${e.filterHash}`);
  });
  t.is(back.length, events.length);
});

test('free texts longer than a piece, and batches of many pieces, read back whole', (t) => {
  const long = 'x'.repeat(TEXT_PIECE * 2 + 5);
  const events = [
    { ...base, raw: long },
    ...Array.from({ length: 3000 }, (_, i) => ({ ...base, line: i + 2, raw: `line ${i} ${'y'.repeat(i % 50)}` })),
    { ...base, raw: `${long}z` },
  ];
  const { back, batches } = roundTrip(events, 4096);
  t.true(batches[0]!.texts.length > 3, `${batches[0]!.texts.length} pieces`);
  t.true(batches[0]!.texts.every((p) => p.length <= TEXT_PIECE * 3));
  t.deepEqual(back, events);
});

test('a batch is plain data: it survives structured clone (the worker path) with its buffers transferred', (t) => {
  const events = corpusEvents().slice(0, 50);
  const packer = new EventPacker(64);
  for (const e of events) packer.add(e);
  const b = packer.take();
  const copy = structuredClone(b, { transfer: [b.slots.buffer as ArrayBuffer, b.shapes.buffer as ArrayBuffer] });
  t.is(b.slots.length, 0, 'the sender no longer holds the slots');
  const reader = new EventBatchReader();
  reader.open(copy);
  events.forEach((e, r) => t.deepEqual(reader.event(r, e.source), e));
});
