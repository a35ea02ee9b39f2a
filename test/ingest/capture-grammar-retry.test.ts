/**
 * A capture whose line needs the chevrotain grammar after rules were already written: ingest rolls
 * its transaction back, loads the grammar and reads the capture again, so the store holds every
 * row once. This file imports no module that loads the grammar up front (its process starts without it).
 */
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.js';
import { openStore } from '../../src/store/open.js';
import { tempDir } from '../helpers/paths.js';

test('a line beyond the scanner late in a capture: read again with the grammar, every row once', async (t) => {
  const path = join(tempDir(), 'late-odd.txt');
  const rules = Array.from({ length: 50 }, (_, i) => `  rule ${1000 + i} at ${i + 1} inout protocol tcp from any to any port ${i + 1} accept;`);
  writeFileSync(path, [
    '[root@esx:~] vsipioctl getrules -f nic-1-eth0-vmware-sfw.2', 'ruleset domain-c7 {', '# generation number: 7', ...rules,
    // an inline set: the scanner hands it to the grammar, which reads it
    '  rule 2000 at 51 inout protocol any from addrset {10.0.0.1, 10.0.0.2} to any drop;', '}',
    '[root@esx:~] vsipioctl getaddrsets -f nic-1-eth0-vmware-sfw.2', 'addrset ip-securitygroup-23 {', 'ip 10.0.0.1,', '}', '',
  ].join('\n'));
  const db = openStore(':memory:');
  const s = await ingest(db, [path]);
  t.like(s, { files: 1, filesIngested: 1, rules: 51, addrsets: 1, rejected: 0 });
  const n = (sql: string) => db.prepare(sql).pluck().get();
  t.is(n('SELECT count(*) FROM rules'), 51);
  t.is(n("SELECT count(*) FROM rules WHERE src = 'addrset {10.0.0.1, 10.0.0.2}'"), 1);
  t.is(n('SELECT count(*) FROM rulesets'), 1);
  t.is(n('SELECT generation FROM rulesets'), '7');
  t.is(n('SELECT count(*) FROM addrsets'), 1);
  t.is(n("SELECT status FROM sources"), 'complete');
  // the same content again adds nothing
  t.like(await ingest(db, [path]), { filesDuplicate: 1 });
  t.is(n('SELECT count(*) FROM rules'), 51);
});
