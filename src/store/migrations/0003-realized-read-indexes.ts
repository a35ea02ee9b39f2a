/**
 * Indexes for reading realized rules back (issue 8 at scale): loading one filter's rules looked
 * up `rules` by ruleset and `rulesets` by filter with full scans, once per ruleset, which took
 * 156 s for 500 filters of ~300 rules (2.2 s with these). `addrsets` needs none: 0002's
 * `addrsets_name (filter_name, name)` already serves lookups by filter name. `events` still
 * gets no secondary index (see 0001: it would halve the bulk-insert rate).
 */
export const up = `
CREATE INDEX rules_ruleset ON rules (ruleset_id, idx);
CREATE INDEX rulesets_filter ON rulesets (filter_name, source_id);
`;
