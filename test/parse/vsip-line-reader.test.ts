/**
 * The chevrotain grammar is loaded only when a line needs it. This file imports no module that
 * loads it up front (getrules.ts, getaddrsets.ts), so its process starts without it.
 */
import test from 'ava';
import { parseVsipCapture } from '../../src/parse/vsipioctl-capture.js';
import { grammarOnly, LineGrammarsNotLoaded, withLineGrammars } from '../../src/parse/vsip-line-reader.js';

const REGULAR = [
  '[root@esx:~] vsipioctl getrules -f nic-1-eth0-vmware-sfw.2',
  'ruleset domain-c7 {',
  '  # Filter rules',
  '  rule 1001 at 1 inout protocol any from any to any drop;',
  '}',
  '[root@esx:~] vsipioctl getaddrsets -f nic-1-eth0-vmware-sfw.2',
  'addrset ip-securitygroup-23 {',
  'ip 10.0.0.1,',
  '}',
].join('\n');

const ODD = [
  '[root@esx:~] vsipioctl getrules -f nic-1-eth0-vmware-sfw.2',
  'ruleset domain-c7 {',
  '  rule 1001 at 1 inout protocol any from any to any allow;',
  '}',
].join('\n');

test.serial('a capture of regular lines is read without loading the grammar', async (t) => {
  const r = parseVsipCapture(REGULAR, 'c.txt');
  t.is(r.value.getrules[0]?.rulesets[0]?.rules.length, 1);
  t.deepEqual(r.value.getaddrsets[0]?.addrsets[0]?.entries, [{ kind: 'ip', value: '10.0.0.1' }]);
  t.throws(() => grammarOnly.getrules({ text: '}', offset: 0, line: 1 }, 'x'), { instanceOf: LineGrammarsNotLoaded });
  t.deepEqual(await withLineGrammars(() => parseVsipCapture(REGULAR, 'c.txt')), r);
});

test.serial('a line beyond the scanner loads the grammar, which reports it at file:line:col', async (t) => {
  t.throws(() => parseVsipCapture(ODD, 'odd.txt'), { instanceOf: LineGrammarsNotLoaded });
  const r = await withLineGrammars(() => parseVsipCapture(ODD, 'odd.txt'));
  const d = r.diagnostics.find((x) => x.severity === 'error');
  t.like(d?.span, { file: 'odd.txt', line: 3, column: 53 });
  t.is(r.value.getrules[0]?.rulesets[0]?.rules.length, 0);
  // loaded now: the synchronous parse reads every line
  t.deepEqual(parseVsipCapture(ODD, 'odd.txt'), r);
});
