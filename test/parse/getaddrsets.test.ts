/** parseGetaddrsets on synthetic documents: entries, mac, stray braces, errors, spans. */
import test from 'ava';
import { parseGetaddrsets } from '../../src/parse/getaddrsets.js';

test('ip and mac entries, UUID names, trailing comma optional on the last entry', (t) => {
  const text = [
    '[root@esx:~] vsipioctl getaddrsets -f nic-9-eth1-vmware-sfw.2',
    'addrset a34212cb-acb2-49b3-b74c-7683c0345a19 {',
    'ip 10.0.0.1,',
    'ip 10.1.0.0/16,',
    'ip 2001:db8::5,',
    'mac 00:50:56:8c:12:a4,',
    'ip 10.9.9.9',
    '}',
  ].join('\n');
  const r = parseGetaddrsets(text, 'a.txt');
  t.deepEqual(r.diagnostics, []);
  t.is(r.value.filter, 'nic-9-eth1-vmware-sfw.2');
  t.deepEqual(r.value.addrsets[0]?.entries, [
    { kind: 'ip', value: '10.0.0.1' }, { kind: 'ip', value: '10.1.0.0/16' }, { kind: 'ip', value: '2001:db8::5' },
    { kind: 'mac', value: '00:50:56:8c:12:a4' }, { kind: 'ip', value: '10.9.9.9' },
  ]);
  const at = text.indexOf('addrset a342');
  t.deepEqual(r.value.addrsets[0]?.span, { file: 'a.txt', offset: at, line: 2, column: 1, length: text.length - at });
});

test('the extra } after an empty set is tolerated; an unexplained } warns', (t) => {
  const ok = parseGetaddrsets('addrset ip-securitygroup-23 {\n}\n}\naddrset x {\nip 1.2.3.4,\n}\n', 'b.txt');
  t.deepEqual(ok.diagnostics, []);
  t.deepEqual(ok.value.addrsets.map((a) => [a.name, a.entries.length]), [['ip-securitygroup-23', 0], ['x', 1]]);
  const stray = parseGetaddrsets('addrset x {\nip 1.2.3.4,\n}\n}\n', 'c.txt');
  t.deepEqual(stray.diagnostics.map((d) => [d.severity, d.span.line]), [['warning', 4]]);
});

test('a bad entry line is an error at its column; the other entries are kept', (t) => {
  const r = parseGetaddrsets('addrset x {\nip 1.2.3.4,\nip ,\nhost 5.6.7.8,\nip 10.0.0.1,\n}\n', 'd.txt');
  t.deepEqual(r.value.addrsets[0]?.entries.map((e) => e.value), ['1.2.3.4', '10.0.0.1']);
  t.deepEqual(r.diagnostics.map((d) => [d.severity, d.span.line, d.span.column]), [['error', 3, 4], ['error', 4, 1]]);
  t.regex(r.diagnostics[0]?.message ?? '', /expected .*IPv4.* but found ','/);
});

test('an entry outside a set is an error; an unclosed set warns and keeps its entries', (t) => {
  const r = parseGetaddrsets('ip 1.1.1.1,\naddrset y {\nip 2.2.2.2,\n', 'e.txt');
  t.deepEqual(r.value.addrsets.map((a) => [a.name, a.entries.length]), [['y', 1]]);
  t.deepEqual(r.diagnostics.map((d) => [d.severity, d.code]), [['error', 'parse/mismatched-token'], ['warning', 'parse/early-exit']]);
});
