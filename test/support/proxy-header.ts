/**
 * Building PROXY protocol headers (v1 text, v2 binary) the way a balancer sends them,
 * for tests that pose as HAProxy or forge headers.
 */
import { isIP } from 'node:net';
import { crc32c } from '../../packages/core/src/net/crc32c.js';

/** `PROXY TCP4|TCP6 src dst sport dport\r\n`, or `PROXY UNKNOWN\r\n` without a source. */
export function proxyV1(source?: { address: string; port: number }, destination = { address: '127.0.0.1', port: 21 }): Buffer {
  if (!source) return Buffer.from('PROXY UNKNOWN\r\n');
  const family = isIP(source.address) === 6 ? 'TCP6' : 'TCP4';
  return Buffer.from(`PROXY ${family} ${source.address} ${destination.address} ${source.port} ${destination.port}\r\n`);
}

/** Options of {@link proxyV2}. */
export interface ProxyV2Options {
  /** LOCAL (a health check) instead of PROXY. */
  local?: boolean;
  destination?: { address: string; port: number };
  tlvs?: { type: number; value: Buffer }[];
  /** Append a CRC32C TLV over the whole header; `'wrong'` makes it mismatch. */
  crc?: boolean | 'wrong';
}

export const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

/** A v2 header for a TCP client at `source` (IPv4 or IPv6). */
export function proxyV2(source: { address: string; port: number }, options: ProxyV2Options = {}): Buffer {
  const destination = options.destination ?? { address: isIP(source.address) === 6 ? '::1' : '127.0.0.1', port: 21 };
  const six = isIP(source.address) === 6;
  const addresses = Buffer.concat([ipBytes(source.address), ipBytes(destination.address), port(source.port), port(destination.port)]);
  const tlvs = [...(options.tlvs ?? []), ...(options.crc ? [{ type: 0x03, value: Buffer.alloc(4) }] : [])];
  const tlvBytes = Buffer.concat(tlvs.map((t) => Buffer.concat([Buffer.from([t.type]), port(t.value.length), t.value])));
  const body = Buffer.concat([addresses, tlvBytes]);
  const header = Buffer.concat([V2_SIGNATURE, Buffer.from([options.local ? 0x20 : 0x21, six ? 0x21 : 0x11]), port(body.length), body]);
  if (options.crc) header.writeUInt32BE((crc32c(header) + (options.crc === 'wrong' ? 1 : 0)) >>> 0, header.length - 4);
  return header;
}

function port(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function ipBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number));
  const [head = '', tail = ''] = address.split('::');
  const parts = (s: string) => (s ? s.split(':') : []);
  const groups = [...parts(head), ...Array(8 - parts(head).length - parts(tail).length).fill('0'), ...parts(tail)];
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 255]));
}
