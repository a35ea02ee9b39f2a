/**
 * A capture is one transaction with its source row and its `complete` status (ingest.ts
 * ingestCapture): a capture that fails part-way leaves no trace, not a `partial` source whose
 * re-run would write its rules a second time, and the next run stores it whole, once.
 */
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../../src/ingest/ingest.js';
import { openStore } from '../../src/store/open.js';
import { tempDir } from '../helpers/paths.js';

test('a capture failing after its rules were written leaves nothing; the next run stores it once', async (t) => {
  const path = join(tempDir(), 'fails-late.txt');
  const rules = Array.from({ length: 20 }, (_, i) => `  rule ${1000 + i} at ${i + 1} inout protocol tcp from any to any port ${i + 1} accept;`);
  writeFileSync(path, [
    '[root@esx:~] vsipioctl getrules -f nic-1-eth0-vmware-sfw.2', 'ruleset domain-c7 {', ...rules, '}',
    '[root@esx:~] vsipioctl getaddrsets -f nic-1-eth0-vmware-sfw.2', 'addrset ip-securitygroup-23 {', 'ip 10.0.0.1,', '}', '',
  ].join('\n'));
  const db = openStore(':memory:');
  const n = (sql: string) => db.prepare(sql).pluck().get();
  // the address set, read after every rule, cannot be written
  db.exec("CREATE TRIGGER no_addrsets BEFORE INSERT ON addrsets BEGIN SELECT RAISE(ABORT, 'disk full'); END");
  // better-sqlite3's SqliteError is no native Error, which ava's throwsAsync requires
  const failed = await ingest(db, [path]).then(() => null, (e: unknown) => e as { message?: string });
  t.regex(failed?.message ?? 'no failure', /disk full/);
  t.is(n('SELECT count(*) FROM sources'), 0);
  t.is(n('SELECT count(*) FROM rules'), 0);
  t.is(n('SELECT count(*) FROM rulesets'), 0);

  db.exec('DROP TRIGGER no_addrsets');
  t.like(await ingest(db, [path]), { filesIngested: 1, rules: 20, addrsets: 1 });
  t.is(n("SELECT group_concat(status) FROM sources"), 'complete');
  t.is(n('SELECT count(*) FROM rules'), 20);
  t.like(await ingest(db, [path]), { filesDuplicate: 1 });
  t.is(n('SELECT count(*) FROM rules'), 20);
});
