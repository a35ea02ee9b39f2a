/**
 * Where a getrules / getaddrsets output goes as it is read, piece by piece: into a document
 * (src/parse/getrules-document.ts, getaddrsets-document.ts), or straight into the store
 * (src/store/realized-writer.ts), so that ingesting a 17,000-rule capture never holds every rule.
 */
import type { AddrSet, RealizedRule, Ruleset } from './rule.js';

/** One getrules output. Calls come in line order: `open`, its `rule`s, `close`; ...; `end`. */
export interface GetrulesSink {
  /** A ruleset starts (`rules` stays empty: they come one by one). `filter` is the output's filter so far. */
  open(set: Ruleset, filter: string | null): void;
  rule(set: Ruleset, rule: RealizedRule): void;
  /** The ruleset is over: its headers (generation, realization time) and its span are final. */
  close(set: Ruleset): void;
  /** The output is over; `filter` is final (a prompt gives it, normally before any ruleset). */
  end(filter: string | null): void;
}

/** One getaddrsets output: each set once it is complete (closed, or cut off), in the order they opened. */
export interface AddrsetsSink {
  set(set: AddrSet, filter: string | null): void;
  end(filter: string | null): void;
}
