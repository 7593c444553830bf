import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CidrList, parseCidr } from '../src/security/cidr.js';

test('parseCidr accepts IPv4 and IPv6 blocks and bare addresses', () => {
  assert.deepEqual(parseCidr('10.0.0.0/8'), { address: '10.0.0.0', prefix: 8, family: 'ipv4' });
  assert.deepEqual(parseCidr(' 192.0.2.7 '), { address: '192.0.2.7', prefix: 32, family: 'ipv4' });
  assert.deepEqual(parseCidr('2001:db8::/32'), { address: '2001:db8::', prefix: 32, family: 'ipv6' });
  assert.deepEqual(parseCidr('::1'), { address: '::1', prefix: 128, family: 'ipv6' });
});

test('parseCidr rejects malformed blocks', () => {
  for (const bad of ['', '10.0.0.0/33', '10.0.0/8', '::1/129', 'example.com', '10.0.0.0/8/8', '10.0.0.0/', '10.0.0.0/-1', '1.2.3.4/8x']) {
    assert.throws(() => parseCidr(bad), RangeError, bad);
  }
});

test('CidrList matches addresses inside its blocks only', () => {
  const list = new CidrList(['10.0.0.0/8', '192.168.1.0/24', '2001:db8::/32', '127.0.0.2']);
  assert.equal(list.size, 4);
  for (const inside of ['10.0.0.1', '10.255.255.255', '192.168.1.200', '2001:db8::1', '2001:db8:ffff::1', '127.0.0.2']) {
    assert.equal(list.matches(inside), true, inside);
  }
  for (const outside of ['11.0.0.1', '192.168.2.1', '2001:db9::1', '127.0.0.1', '127.0.0.3', '::1', 'not-an-ip', '']) {
    assert.equal(list.matches(outside), false, outside);
  }
});

test('IPv4-mapped IPv6 addresses match IPv4 blocks', () => {
  const list = new CidrList(['10.0.0.0/8']);
  assert.equal(list.matches('::ffff:10.1.2.3'), true);
  assert.equal(list.matches('::ffff:11.1.2.3'), false);
});

test('an empty list matches nothing; /0 matches its whole family', () => {
  assert.equal(new CidrList([]).matches('10.0.0.1'), false);
  const any4 = new CidrList(['0.0.0.0/0']);
  assert.equal(any4.matches('203.0.113.9'), true);
  assert.equal(any4.matches('2001:db8::1'), false);
});
