/**
 * Writes getrules and getaddrsets outputs into the store piece by piece as they are read (the
 * sinks of src/model/realized-sink.ts): a ruleset row when its ruleset opens, a rule row per
 * rule, an address set row per complete set. Ingest streams a capture through it, so a 17,000-rule
 * capture is never held whole; `saveGetrules` replays a parsed document through the same
 * statements, so both write the same rows. The caller owns the transaction.
 */
import type { AddrsetsSink, GetrulesSink } from '../model/realized-sink.js';
import type { Db } from './open.js';
import { INSERT_RULE, insertRuleRow } from './rule-match.js';

export class RealizedWriter {
  /** rules and address sets written so far */
  rules = 0;
  addrsets = 0;
  private readonly insertRuleset;
  private readonly updateHeaders;
  private readonly setFilter;
  private readonly insertRule;
  private readonly insertAddrset;
  private readonly setAddrsetFilter;

  constructor(
    db: Db,
    private readonly sourceId: number,
  ) {
    this.insertRuleset = db.prepare(`INSERT INTO rulesets (source_id, filter_name, name, layer, generation, realization_time, line)
      VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.updateHeaders = db.prepare('UPDATE rulesets SET generation = ?, realization_time = ? WHERE id = ?');
    this.setFilter = db.prepare('UPDATE rulesets SET filter_name = ? WHERE id BETWEEN ? AND ? AND filter_name IS NULL');
    this.insertRule = db.prepare(INSERT_RULE);
    this.insertAddrset = db.prepare('INSERT INTO addrsets (source_id, filter_name, name, entries_json, line) VALUES (?, ?, ?, ?, ?)');
    this.setAddrsetFilter = db.prepare('UPDATE addrsets SET filter_name = ? WHERE id BETWEEN ? AND ? AND filter_name IS NULL');
  }

  /** The sink of one getrules output. */
  getrules(): GetrulesSink {
    let id = 0;
    let first = 0;
    let unnamed = false;
    // the header values the row was written with: headers printed after `ruleset X {` update it
    let generation: string | null = null;
    let realizationTime: string | null = null;
    return {
      open: (set, filter) => {
        id = Number(this.insertRuleset.run(this.sourceId, filter, set.name, set.layer, set.generation, set.realizationTime, set.span.line).lastInsertRowid);
        if (first === 0) first = id;
        if (filter === null) unnamed = true;
        generation = set.generation;
        realizationTime = set.realizationTime;
      },
      rule: (_set, rule) => {
        insertRuleRow(this.insertRule, id, rule);
        this.rules++;
      },
      close: (set) => {
        if (set.generation !== generation || set.realizationTime !== realizationTime) this.updateHeaders.run(set.generation, set.realizationTime, id);
      },
      // the filter belongs to the whole output: rulesets written before its prompt was seen get it too
      end: (filter) => {
        if (unnamed && filter !== null) this.setFilter.run(filter, first, id);
      },
    };
  }

  /** The sink of one getaddrsets output. */
  getaddrsets(): AddrsetsSink {
    let first = 0;
    let last = 0;
    let unnamed = false;
    return {
      set: (a, filter) => {
        last = Number(this.insertAddrset.run(this.sourceId, filter, a.name, JSON.stringify(a.entries), a.span.line).lastInsertRowid);
        if (first === 0) first = last;
        if (filter === null) unnamed = true;
        this.addrsets++;
      },
      end: (filter) => {
        if (unnamed && filter !== null) this.setAddrsetFilter.run(filter, first, last);
      },
    };
  }
}
