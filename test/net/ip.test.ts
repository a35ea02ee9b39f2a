import test from 'ava';
import { buildRangeSet, formatIpv4, hasV4, hasV6, parseIpEntry, parseIpv4, parseIpv6 } from '../../src/net/ip.js';

test('ip: IPv4 parse and format round-trip; bad input is null', (t) => {
  t.is(parseIpv4('10.68.145.170'), 10 * 2 ** 24 + 68 * 2 ** 16 + 145 * 256 + 170);
  t.is(formatIpv4(parseIpv4('255.255.255.255') ?? -1), '255.255.255.255');
  for (const bad of ['10.1.1', '10.1.1.256', '1..1.1', '10.1.1.1.1', 'a.b.c.d', '']) t.is(parseIpv4(bad), null, bad);
});

test('ip: IPv6 forms', (t) => {
  t.is(parseIpv6('::'), 0n);
  t.is(parseIpv6('::1'), 1n);
  t.is(parseIpv6('fe80::250:56ff:fe99:1461'), 0xfe80_0000_0000_0000_0250_56ff_fe99_1461n);
  t.is(parseIpv6('::ffff:10.0.0.1'), 0xffff_0a00_0001n);
  t.is(parseIpv6('fe80::1%vmk0'), 0xfe80n << 112n | 1n);
  for (const bad of ['1::2::3', '12345::', 'fe80:1', ':::', 'g::1']) t.is(parseIpv6(bad), null, bad);
});

test('ip: entries (host, CIDR with host bits, range) and merged sets', (t) => {
  t.deepEqual(parseIpEntry('10.10.2.7/24'), { af: 4, lo: parseIpv4('10.10.2.0'), hi: parseIpv4('10.10.2.255') });
  t.deepEqual(parseIpEntry('10.0.0.5-10.0.0.9'), { af: 4, lo: parseIpv4('10.0.0.5'), hi: parseIpv4('10.0.0.9') });
  t.is(parseIpEntry('10.0.0.9-10.0.0.5'), null);
  t.is(parseIpEntry('10.0.0.0/33'), null);
  t.is(parseIpEntry('0.0.0.0/0')?.hi, 2 ** 32 - 1);
  const v6 = parseIpEntry('2001:db8::/32');
  t.is(v6?.af, 6);
  const set = buildRangeSet(
    ['10.0.0.0/25', '10.0.0.128/25', '10.0.2.1', '192.168.0.0/16', 'fe80::/64'].map((x) => parseIpEntry(x)).filter((x) => x !== null),
  );
  t.is(set.v4lo.length, 3, 'two adjacent /25 merge into one range');
  t.true(hasV4(set, parseIpv4('10.0.0.200') ?? 0));
  t.false(hasV4(set, parseIpv4('10.0.1.0') ?? 0));
  t.true(hasV4(set, parseIpv4('10.0.2.1') ?? 0));
  t.false(hasV4(set, parseIpv4('10.0.2.2') ?? 0));
  t.true(hasV4(set, parseIpv4('192.168.255.255') ?? 0));
  t.false(hasV4(set, 0));
  t.true(hasV6(set, parseIpv6('fe80::250:56ff:fe99:1461') ?? 0n));
  t.false(hasV6(set, parseIpv6('fe81::1') ?? 0n));
});
