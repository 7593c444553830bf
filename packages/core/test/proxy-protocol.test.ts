import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng } from '../../../test/fuzz/generator.js';
import { proxyV1, proxyV2, V2_SIGNATURE } from '../../../test/support/proxy-header.js';
import { canonicalAddress, MAX_V1_LENGTH, parseProxyHeader, ProxyProtocolError, type ParsedProxyHeader } from '../src/net/proxy-protocol.js';

const bad = (data: Buffer | string, pattern?: RegExp) =>
  assert.throws(() => parseProxyHeader(Buffer.from(data)), (err: unknown) => err instanceof ProxyProtocolError && (!pattern || pattern.test(err.message)));

test('v1 TCP4 and TCP6 headers give the source and destination, and the header length', () => {
  const line = 'PROXY TCP4 192.0.2.7 203.0.113.1 51234 21\r\n';
  assert.deepEqual(parseProxyHeader(Buffer.from(`${line}USER x\r\n`)), {
    header: { version: 1, command: 'proxy', source: { address: '192.0.2.7', port: 51234 }, destination: { address: '203.0.113.1', port: 21 }, tlvs: [] },
    length: line.length,
  });
  const six = parseProxyHeader(Buffer.from('PROXY TCP6 2001:DB8:0:0:0:0:0:7 ::FFFF:10.0.0.1 1 65535\r\n'));
  assert.deepEqual(six?.header.source, { address: '2001:db8::7', port: 1 });
  assert.deepEqual(six?.header.destination, { address: '10.0.0.1', port: 65535 });
  assert.deepEqual(parseProxyHeader(Buffer.from('PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n'))?.header, { version: 1, command: 'proxy', tlvs: [] });
  // The longest possible v1 header is exactly 107 bytes.
  const longest = `PROXY UNKNOWN ${'f'.repeat(MAX_V1_LENGTH - 16)}\r\n`;
  assert.equal(longest.length, MAX_V1_LENGTH);
  assert.equal(parseProxyHeader(Buffer.from(longest))?.length, MAX_V1_LENGTH);
});

test('v1 headers that are incomplete wait for more bytes; malformed ones throw at once', () => {
  for (const partial of ['P', 'PROXY', 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2', 'PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r']) {
    assert.equal(parseProxyHeader(Buffer.from(partial)), undefined, partial);
  }
  bad('USER anonymous\r\n', /signature/);
  bad('PROXYX', /signature/);
  bad(`PROXY UNKNOWN ${'f'.repeat(100)}`, /107/);
  bad('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n', /control/);
  bad('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\r\n', /control/);
  bad('PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n', /TCP4, TCP6/);
  bad('PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n', /four fields/);
  bad('PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n', /four fields/);
  bad('PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n');
  bad('PROXY TCP4 ::1 5.6.7.8 1 2\r\n', /not TCP4/);
  bad('PROXY TCP6 1.2.3.4 ::1 1 2\r\n', /not TCP6/);
  bad('PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n', /port/);
  bad('PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n', /port/);
  bad('PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n', /port/);
});

test('v2 PROXY headers over IPv4 and IPv6 give addresses, ports and TLVs', () => {
  const tlvs = [{ type: 0x01, value: Buffer.from('ftp') }, { type: 0x02, value: Buffer.from('ftp.example') }];
  const header = proxyV2({ address: '192.0.2.7', port: 40000 }, { destination: { address: '203.0.113.1', port: 2121 }, tlvs, crc: true });
  const parsed = parseProxyHeader(Buffer.concat([header, Buffer.from('rest')]));
  assert.equal(parsed?.length, header.length);
  assert.deepEqual(parsed?.header.source, { address: '192.0.2.7', port: 40000 });
  assert.deepEqual(parsed?.header.destination, { address: '203.0.113.1', port: 2121 });
  assert.deepEqual(parsed?.header.tlvs.slice(0, 2).map((t) => [t.type, t.value.toString()]), [[1, 'ftp'], [2, 'ftp.example']]);
  const six = parseProxyHeader(proxyV2({ address: '2001:db8::7', port: 1 }));
  assert.deepEqual(six?.header.source, { address: '2001:db8::7', port: 1 });
  const mapped = parseProxyHeader(proxyV2({ address: '::ffff:c000:207', port: 1 }));
  assert.equal(mapped?.header.source?.address, '192.0.2.7');
});

test('v2 LOCAL, UNSPEC and UNIX headers carry no client address', () => {
  const local = parseProxyHeader(proxyV2({ address: '192.0.2.7', port: 1 }, { local: true }));
  assert.deepEqual(local?.header, { version: 2, command: 'local', tlvs: [] });
  const unspec = Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, 0x00, 0x00, 0x00])]);
  assert.deepEqual(parseProxyHeader(unspec)?.header, { version: 2, command: 'proxy', tlvs: [] });
  const unix = Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, 0x31, 0x00, 216]), Buffer.alloc(216)]);
  assert.equal(parseProxyHeader(unix)?.header.source, undefined);
});

test('v2 headers that are malformed throw: version, command, family, lengths, TLVs, checksum', () => {
  const good = proxyV2({ address: '192.0.2.7', port: 1 });
  const patched = (offset: number, byte: number) => Buffer.from(good).fill(byte, offset, offset + 1);
  bad(patched(12, 0x11), /version 1/);
  bad(patched(12, 0x22), /command 2/);
  bad(patched(13, 0x41), /family/);
  bad(patched(13, 0x13), /family/);
  bad(patched(13, 0x12), /non-stream/);
  bad(Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, 0x11, 0x00, 0x04]), Buffer.alloc(4)]), /too short/);
  bad(Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, 0x11, 0x10, 0x00])]), /4096-byte limit/);
  bad(Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, 0x11, 0x00, 14]), Buffer.alloc(12), Buffer.from([1, 0])]), /TLV truncated/);
  bad(Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, 0x11, 0x00, 16]), Buffer.alloc(12), Buffer.from([1, 0, 9, 0])]), /TLV longer/);
  bad(proxyV2({ address: '192.0.2.7', port: 1 }, { crc: 'wrong' }), /CRC32C mismatch/);
  bad(Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x01]), /signature/);
  assert.equal(parseProxyHeader(good.subarray(0, 15)), undefined);
  assert.equal(parseProxyHeader(good.subarray(0, good.length - 1)), undefined);
});

test('canonicalAddress writes IPv6 as sockets do and unwraps IPv4-mapped addresses', () => {
  assert.equal(canonicalAddress('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  assert.equal(canonicalAddress('0:0:0:0:0:0:0:1'), '::1');
  assert.equal(canonicalAddress('::ffff:127.0.0.3'), '127.0.0.3');
  assert.equal(canonicalAddress('10.1.2.3'), '10.1.2.3');
});

/** Feed `data` to the parser in the chunks a socket might deliver, as the reader does. */
function parseInChunks(data: Buffer, random: () => number): ParsedProxyHeader | undefined | Error {
  let end = 0;
  while (end < data.length) {
    end = Math.min(data.length, end + 1 + Math.floor(random() * 40));
    try {
      const parsed = parseProxyHeader(data.subarray(0, end));
      if (parsed) return parsed;
    } catch (err) {
      return err as Error;
    }
  }
  return undefined;
}

test('fuzz: mutated headers never crash the parser, and byte-by-byte parsing agrees with whole-buffer parsing', () => {
  const random = prng(0x9e3779b9);
  const int = (n: number) => Math.floor(random() * n);
  const ip4 = () => `${int(256)}.${int(256)}.${int(256)}.${int(256)}`;
  const ip6 = () => Array.from({ length: 8 }, () => int(65536).toString(16)).join(':');
  const valid = (): Buffer => {
    const source = { address: random() < 0.5 ? ip4() : ip6(), port: int(65536) };
    if (random() < 0.3) return proxyV1(source, { address: source.address.includes(':') ? ip6() : ip4(), port: int(65536) });
    const tlvs = Array.from({ length: int(4) }, () => ({ type: 0x01 + int(0x30), value: Buffer.alloc(int(60), int(256)) })).filter((t) => t.type !== 0x03);
    return proxyV2(source, { tlvs, crc: random() < 0.3, local: random() < 0.1 });
  };
  let errors = 0;
  let parsed = 0;
  for (let i = 0; i < 3000; i++) {
    const input = Buffer.from(valid());
    const mutations = int(4);
    for (let m = 0; m < mutations; m++) {
      const kind = int(4);
      if (kind === 0 && input.length) input[int(input.length)] = int(256);
      else if (kind === 1 && input.length) { const at = int(input.length); input[at] = input[at]! ^ (1 << int(8)); }
      else if (kind === 2 && input.length > 14) input.writeUInt16BE(int(65536), 14);
    }
    const data = int(5) === 0 ? input.subarray(0, int(input.length)) : Buffer.concat([input, Buffer.alloc(int(200), int(256))]);
    let whole: ParsedProxyHeader | undefined | Error;
    try {
      whole = parseProxyHeader(data);
    } catch (err) {
      assert.ok(err instanceof ProxyProtocolError, `seed case ${i}: ${String(err)}`);
      whole = err;
    }
    const chunked = parseInChunks(data, random);
    if (whole instanceof Error) {
      errors++;
      assert.ok(chunked instanceof ProxyProtocolError, `case ${i}: whole buffer failed (${whole.message}), chunks gave ${String(chunked)}`);
    } else if (whole) {
      parsed++;
      assert.ok(whole.length <= 4096 && whole.length <= data.length, `case ${i}`);
      assert.deepEqual(chunked, whole, `case ${i}`);
    } else {
      // Incomplete: a reader keeps waiting only while the cap is not reached.
      assert.ok(data.length < 4096, `case ${i}`);
    }
  }
  assert.ok(errors > 300 && parsed > 300, `both outcomes exercised (${errors} errors, ${parsed} parsed)`);
});
