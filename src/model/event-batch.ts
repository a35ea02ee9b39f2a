import type { PacketEvent } from './packet-event.js';

/**
 * A batch of parsed packet events in a compact, transferable form: what the parse side of
 * ingest hands to the store, within one thread or from a parse worker.
 *
 * Why not an array of PacketEvent objects: a worker can only pass objects by structured
 * clone, which costs about 5 us per event to rebuild on the receiving side (measured in
 * session 1), more than inserting it. Here every event is one row of 38 Float64 slots (a
 * transferable buffer, handed over without a copy) plus, per batch, one string of the
 * high-cardinality texts and a few new dictionary entries. Each column is one of:
 * - a number: the value, NaN for null;
 * - a dictionary text (host, action, tag, ...: few distinct values): an id into a
 *   dictionary that grows across batches, -1 for null; the receiver keeps the strings, so
 *   it makes no new string for them;
 * - a free text (ts, src, dst, raw: nearly every value new): 1 if present, 0 for null; the
 *   present values, in column order, are joined by '\n' into the strings of `texts`. None of them can hold a
 *   '\n': `raw` is a line split on '\n', and the parsers only produce validated timestamps and
 *   addresses for the others.
 */
export interface EventBatch {
  /** events in the batch */
  count: number;
  /** per event, which insert shape applies (SHAPE_*) */
  shapes: Uint8Array;
  /** count x WIDTH slots, see COLUMNS */
  slots: Float64Array;
  /**
   * The present free texts, in row then column order, joined by '\n' into pieces of about
   * TEXT_PIECE characters. One string per batch would be about 700 kB: V8 allocates strings
   * that big outside the young generation, where they wait for a full collection; measured,
   * that held about 50 MB more heap in each thread.
   */
  texts: string[];
  /** the receiver must clear its dictionary before adding `dictAdd` */
  dictReset: boolean;
  /** dictionary entries new in this batch; their ids follow the receiver's last id */
  dictAdd: string[];
}

type ColumnKind = 'num' | 'dict' | 'free';

/** The columns in store order (after `source_id`), with the PacketEvent field each holds. */
export const COLUMNS = [
  ['line', 'num'], ['ts', 'free'], ['tsMs', 'num'], ['host', 'dict'], ['filterHash', 'dict'], ['af', 'dict'],
  ['reason', 'dict'], ['action', 'dict'], ['ruleset', 'dict'], ['ruleId', 'num'], ['direction', 'dict'],
  ['length', 'num'], ['protocol', 'dict'], ['src', 'free'], ['srcPort', 'num'], ['dst', 'free'], ['dstPort', 'num'],
  ['tcpFlags', 'dict'], ['icmpType', 'num'], ['icmpCode', 'num'], ['closeReason', 'dict'], ['packetsIn', 'num'],
  ['packetsOut', 'num'], ['bytesIn', 'num'], ['bytesOut', 'num'], ['tag', 'dict'], ['producer', 'dict'],
  ['envelope', 'dict'], ['vrf', 'num'], ['interfaceId', 'dict'], ['policyRef', 'dict'], ['ruleName', 'dict'],
  ['table', 'dict'], ['ofPriority', 'dict'], ['appliedTo', 'dict'], ['dedupCount', 'num'], ['dedupDuration', 'dict'],
  ['raw', 'free'],
] as const satisfies readonly (readonly [keyof PacketEvent, ColumnKind])[];

/** Slots per event. */
export const WIDTH = COLUMNS.length;

/** Slot index of each field, e.g. `COL.tsMs`. */
export const COL = Object.fromEntries(COLUMNS.map(([f], i) => [f, i])) as { [K in (typeof COLUMNS)[number][0]]: number };

/** Insert shapes: which columns a record kind can carry (see store/events-repo.ts). */
export const SHAPE_DFW_MATCH = 0;
export const SHAPE_DFW_TERM = 1;
export const SHAPE_FULL = 2;

/** The insert shape of an event: NSX DFW match, NSX DFW TERM, or everything else. */
export function shapeOf(e: PacketEvent): number {
  if (e.producer !== 'nsx-dfw') return SHAPE_FULL;
  return e.reason === 'TERM' ? SHAPE_DFW_TERM : SHAPE_DFW_MATCH;
}

/**
 * Dictionary size at which the packer starts over, so that a log with endless distinct tags
 * or filter hashes cannot grow it without bound. Small on purpose: the receiver holds every
 * entry until the reset, long enough to be promoted out of V8's young generation. Measured
 * on the bench log (a new filter hash on every line): peak RSS 265-300 MB with 65,536
 * entries, 207-221 MB with 4,096, speed unchanged.
 */
export const DICT_LIMIT = 1 << 12;

/** Characters per piece of `EventBatch.texts` (well under V8's 128 kB large-object size). */
export const TEXT_PIECE = 32 * 1024;

/** Packs events into EventBatches. One packer per stream of batches (its dictionary spans them). */
export class EventPacker {
  private readonly ids = new Map<string, number>();
  private dictAdd: string[] = [];
  private dictReset = false;
  private capacity: number;
  private slots: Float64Array;
  private shapes: Uint8Array;
  private pending: string[] = [];
  private pendingChars = 0;
  private texts: string[] = [];
  private count = 0;

  constructor(expectedRows = 4096) {
    this.capacity = Math.max(1, expectedRows);
    this.slots = new Float64Array(this.capacity * WIDTH);
    this.shapes = new Uint8Array(this.capacity);
  }

  get size(): number {
    return this.count;
  }

  add(e: PacketEvent): void {
    if (this.count === this.capacity) this.grow();
    const s = this.slots;
    const o = this.count * WIDTH;
    this.shapes[this.count++] = shapeOf(e);
    // Written out field by field (not a loop over COLUMNS): a dynamic property read per
    // column made packing cost twice as much. The order must be COLUMNS' order.
    s[o] = e.line;
    s[o + 1] = this.free(e.ts);
    s[o + 2] = num(e.tsMs);
    s[o + 3] = this.id(e.host);
    s[o + 4] = this.id(e.filterHash);
    s[o + 5] = this.id(e.af);
    s[o + 6] = this.id(e.reason);
    s[o + 7] = this.id(e.action);
    s[o + 8] = this.id(e.ruleset);
    s[o + 9] = num(e.ruleId);
    s[o + 10] = this.id(e.direction);
    s[o + 11] = num(e.length);
    s[o + 12] = this.id(e.protocol);
    s[o + 13] = this.free(e.src);
    s[o + 14] = num(e.srcPort);
    s[o + 15] = this.free(e.dst);
    s[o + 16] = num(e.dstPort);
    s[o + 17] = this.id(e.tcpFlags);
    s[o + 18] = num(e.icmpType);
    s[o + 19] = num(e.icmpCode);
    s[o + 20] = this.id(e.closeReason);
    s[o + 21] = num(e.packetsIn);
    s[o + 22] = num(e.packetsOut);
    s[o + 23] = num(e.bytesIn);
    s[o + 24] = num(e.bytesOut);
    s[o + 25] = this.id(e.tag);
    s[o + 26] = this.id(e.producer);
    s[o + 27] = this.id(e.envelope);
    s[o + 28] = num(e.vrf);
    s[o + 29] = this.id(e.interfaceId);
    s[o + 30] = this.id(e.policyRef);
    s[o + 31] = this.id(e.ruleName);
    s[o + 32] = this.id(e.table);
    s[o + 33] = this.id(e.ofPriority);
    s[o + 34] = this.id(e.appliedTo);
    s[o + 35] = num(e.dedupCount);
    s[o + 36] = this.id(e.dedupDuration);
    s[o + 37] = this.free(e.raw);
  }

  /** Hands over the events added since the last call; the packer starts a new batch. */
  take(): EventBatch {
    const batch: EventBatch = {
      count: this.count,
      shapes: this.shapes.subarray(0, this.count),
      slots: this.slots.subarray(0, this.count * WIDTH),
      texts: this.closePiece(),
      dictReset: this.dictReset,
      dictAdd: this.dictAdd,
    };
    // fresh buffers: the taken ones belong to the receiver (they may be transferred to another thread)
    this.slots = new Float64Array(this.capacity * WIDTH);
    this.shapes = new Uint8Array(this.capacity);
    this.texts = [];
    this.count = 0;
    this.dictAdd = [];
    this.dictReset = false;
    if (this.ids.size >= DICT_LIMIT) {
      this.ids.clear();
      this.dictReset = true;
    }
    return batch;
  }

  private free(v: string | null): number {
    if (v === null) return 0;
    this.pending.push(v);
    this.pendingChars += v.length + 1;
    if (this.pendingChars >= TEXT_PIECE) this.closePiece();
    return 1;
  }

  /** Joins the pending texts into a piece; returns the batch's pieces. */
  private closePiece(): string[] {
    if (this.pending.length > 0) this.texts.push(this.pending.join('\n'));
    this.pending = [];
    this.pendingChars = 0;
    return this.texts;
  }

  private id(v: string | null): number {
    if (v === null) return -1;
    let id = this.ids.get(v);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(v, id);
      this.dictAdd.push(v);
    }
    return id;
  }

  private grow(): void {
    this.capacity *= 2;
    const slots = new Float64Array(this.capacity * WIDTH);
    slots.set(this.slots);
    const shapes = new Uint8Array(this.capacity);
    shapes.set(this.shapes);
    this.slots = slots;
    this.shapes = shapes;
  }
}

function num(v: number | null): number {
  return v === null ? NaN : v;
}

/**
 * The receiving side: keeps the dictionary across batches and opens each batch's texts.
 * Values are read with `text`, `num` and `dict` in COLUMNS order within a row.
 */
export class EventBatchReader {
  private dictionary: string[] = [];
  slots: Float64Array = new Float64Array(0);
  private pieces: string[] = [];
  private piece = 0;
  private parts: string[] = [];
  private next = 0;

  /** Starts reading a batch; batches must be opened in the order they were taken. */
  open(b: EventBatch): void {
    if (b.dictReset) this.dictionary = [];
    for (const s of b.dictAdd) this.dictionary.push(s);
    this.slots = b.slots;
    this.pieces = b.texts;
    this.piece = 0;
    this.parts = [];
    this.next = 0;
  }

  /** A free-text column at slot `i` (consumes the next text when present). */
  text(i: number): string | null {
    if (!this.slots[i]) return null;
    if (this.next === this.parts.length) {
      this.parts = this.pieces[this.piece++]!.split('\n');
      this.next = 0;
    }
    return this.parts[this.next++]!;
  }

  /** A number column at slot `i`. */
  num(i: number): number | null {
    const v = this.slots[i]!;
    return v === v ? v : null;
  }

  /** A dictionary column at slot `i`. */
  dict(i: number): string | null {
    const id = this.slots[i]!;
    return id >= 0 ? this.dictionary[id]! : null;
  }

  /** The whole event at row `r` (for tests and slow paths; the store binds slot by slot). */
  event(r: number, source: string): PacketEvent {
    const o = r * WIDTH;
    const out: Record<string, unknown> = {};
    COLUMNS.forEach(([field, kind], c) => {
      out[field] = kind === 'num' ? this.num(o + c) : kind === 'dict' ? this.dict(o + c) : this.text(o + c);
    });
    return { ...(out as unknown as PacketEvent), source };
  }
}
