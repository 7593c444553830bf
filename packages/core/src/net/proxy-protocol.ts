/**
 * The PROXY protocol, versions 1 (text) and 2 (binary), as HAProxy's proxy-protocol.txt
 * specifies it: the header a load balancer sends first on each connection it relays,
 * naming the client it relays for. This module only parses bytes; reading them from a
 * socket is `proxy-reader.ts`.
 *
 * The parser is incremental: given the bytes received so far it answers "need more",
 * a header and its length, or throws. It rejects as early as the bytes allow (a first
 * byte that starts neither signature fails at once) and never asks for more than
 * {@link MAX_V1_LENGTH} or the v2 length cap, so a reader's buffer stays bounded.
 */
import { isIP } from 'node:net';
import { crc32c } from './crc32c.js';

/** A bad PROXY header; the connection that sent it is closed. */
export class ProxyProtocolError extends Error {
  override readonly name = 'ProxyProtocolError';
}

/** One end of the relayed connection. */
export interface ProxyEndpoint {
  /** IPv4 or IPv6 address (IPv4-mapped IPv6 unwrapped). */
  address: string;
  port: number;
}

/** A v2 Type-Length-Value extension (e.g. `0x01` ALPN, `0x02` authority, `0x20` SSL). */
export interface ProxyTlv {
  type: number;
  value: Buffer;
}

/** A parsed PROXY header. */
export interface ProxyHeader {
  version: 1 | 2;
  /**
   * `proxy`: relayed on behalf of `source`. `local`: the balancer's own connection
   * (v2 LOCAL, a health check); the real peer is the client.
   */
  command: 'proxy' | 'local';
  /** The client; absent for LOCAL, v1 `UNKNOWN` and address families other than IPv4/IPv6. */
  source?: ProxyEndpoint;
  /** The address the client connected to (the balancer's front end), when `source` is set. */
  destination?: ProxyEndpoint;
  /** v2 extensions, in order (empty for v1). */
  tlvs: ProxyTlv[];
}

/** A complete header and how many bytes of the stream it took. */
export interface ParsedProxyHeader {
  header: ProxyHeader;
  length: number;
}

/** The longest v1 header, CRLF included (the specification's 107 bytes). */
export const MAX_V1_LENGTH = 107;
/**
 * Default cap on a whole v2 header. HAProxy's headers with addresses and the usual TLVs
 * (ALPN, authority, SSL, unique id) stay well under it; the field allows 64 KiB.
 */
export const DEFAULT_MAX_V2_LENGTH = 4096;

const V1_SIGNATURE = Buffer.from('PROXY ', 'latin1');
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V2_FIXED = 16;
const PP2_TYPE_CRC32C = 0x03;

/**
 * Parse a PROXY header at the start of `data`. Returns `undefined` while more bytes
 * are needed; throws {@link ProxyProtocolError} when the bytes cannot be a valid header.
 */
export function parseProxyHeader(data: Buffer, maxV2Length = DEFAULT_MAX_V2_LENGTH): ParsedProxyHeader | undefined {
  if (data.length === 0) return undefined;
  if (data[0] === V1_SIGNATURE[0]) return parseV1(data);
  if (data[0] === V2_SIGNATURE[0]) return parseV2(data, maxV2Length);
  throw new ProxyProtocolError('no PROXY protocol signature');
}

function startsWithPrefixOf(data: Buffer, signature: Buffer): boolean {
  const n = Math.min(data.length, signature.length);
  return data.subarray(0, n).equals(signature.subarray(0, n));
}

function parseV1(data: Buffer): ParsedProxyHeader | undefined {
  if (!startsWithPrefixOf(data, V1_SIGNATURE)) throw new ProxyProtocolError('no PROXY protocol signature');
  const end = data.subarray(0, MAX_V1_LENGTH).indexOf('\r\n');
  if (end < 0) {
    if (data.length >= MAX_V1_LENGTH) throw new ProxyProtocolError('PROXY v1 header longer than 107 bytes');
    // A lone LF or any control byte can never become a valid line.
    if (data.subarray(0, MAX_V1_LENGTH).some((b, i) => (b < 0x20 && !(b === 0x0d && i === data.length - 1)) || b > 0x7e)) {
      throw new ProxyProtocolError('PROXY v1 header with a control byte');
    }
    return undefined;
  }
  const line = data.subarray(0, end).toString('latin1');
  if (/[^\x20-\x7e]/.test(line)) throw new ProxyProtocolError('PROXY v1 header with a control byte');
  const length = end + 2;
  const parts = line.split(' ');
  // Anything may follow UNKNOWN; the receiver uses the real peer.
  if (parts[1] === 'UNKNOWN') {
    return { header: { version: 1, command: 'proxy', tlvs: [] }, length };
  }
  const [, protocol, src, dst, srcPort, dstPort, extra] = parts;
  const version = protocol === 'TCP4' ? 4 : protocol === 'TCP6' ? 6 : 0;
  if (version === 0) throw new ProxyProtocolError('PROXY v1 protocol must be TCP4, TCP6 or UNKNOWN');
  if (extra !== undefined || dstPort === undefined) throw new ProxyProtocolError('PROXY v1 header needs exactly four fields');
  if (isIP(src!) !== version || isIP(dst!) !== version) throw new ProxyProtocolError(`PROXY v1 addresses are not ${protocol} addresses`);
  return {
    header: {
      version: 1,
      command: 'proxy',
      source: { address: canonicalAddress(src!), port: v1Port(srcPort!) },
      destination: { address: canonicalAddress(dst!), port: v1Port(dstPort) },
      tlvs: [],
    },
    length,
  };
}

function v1Port(text: string): number {
  if (!/^(0|[1-9]\d{0,4})$/.test(text) || Number(text) > 65535) throw new ProxyProtocolError(`PROXY v1 port out of range: ${JSON.stringify(text)}`);
  return Number(text);
}

function parseV2(data: Buffer, maxLength: number): ParsedProxyHeader | undefined {
  if (!startsWithPrefixOf(data, V2_SIGNATURE)) throw new ProxyProtocolError('no PROXY protocol signature');
  if (data.length < V2_FIXED) return undefined;
  const versionCommand = data[12]!;
  if (versionCommand >> 4 !== 2) throw new ProxyProtocolError(`PROXY v2 header with version ${versionCommand >> 4}`);
  const command = versionCommand & 0x0f;
  if (command > 1) throw new ProxyProtocolError(`PROXY v2 header with unknown command ${command}`);
  const family = data[13]! >> 4;
  const transport = data[13]! & 0x0f;
  if (family > 3 || transport > 2) throw new ProxyProtocolError('PROXY v2 header with an unknown address family or protocol');
  const length = V2_FIXED + data.readUInt16BE(14);
  if (length > maxLength) throw new ProxyProtocolError(`PROXY v2 header of ${length} bytes exceeds the ${maxLength}-byte limit`);
  if (data.length < length) return undefined;
  const block = data.subarray(V2_FIXED, length);

  // LOCAL: the balancer's own connection; its address block is discarded unread.
  if (command === 0) return { header: { version: 2, command: 'local', tlvs: [] }, length };
  const addressLength = family === 1 ? 12 : family === 2 ? 36 : family === 3 ? 216 : 0;
  if (block.length < addressLength) throw new ProxyProtocolError('PROXY v2 address block too short for its family');
  const tlvs = family === 0 ? [] : parseTlvs(block.subarray(addressLength));
  checkCrc(data.subarray(0, length), tlvs);
  const header: ProxyHeader = { version: 2, command: 'proxy', tlvs };
  if (family === 1 || family === 2) {
    // Only a stream connection makes sense on this TCP socket.
    if (transport !== 1) throw new ProxyProtocolError('PROXY v2 header for a non-stream protocol');
    const size = family === 1 ? 4 : 16;
    header.source = { address: binaryAddress(block.subarray(0, size)), port: block.readUInt16BE(2 * size) };
    header.destination = { address: binaryAddress(block.subarray(size, 2 * size)), port: block.readUInt16BE(2 * size + 2) };
  }
  return { header, length };
}

function parseTlvs(bytes: Buffer): ProxyTlv[] {
  const tlvs: ProxyTlv[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 3 > bytes.length) throw new ProxyProtocolError('PROXY v2 TLV truncated');
    const end = offset + 3 + bytes.readUInt16BE(offset + 1);
    if (end > bytes.length) throw new ProxyProtocolError('PROXY v2 TLV longer than its header');
    tlvs.push({ type: bytes[offset]!, value: bytes.subarray(offset + 3, end) });
    offset = end;
  }
  return tlvs;
}

/** A CRC32C TLV, when present, must match the header computed with that field zeroed. */
function checkCrc(header: Buffer, tlvs: readonly ProxyTlv[]): void {
  const tlv = tlvs.find((t) => t.type === PP2_TYPE_CRC32C);
  if (!tlv) return;
  if (tlv.value.length !== 4) throw new ProxyProtocolError('PROXY v2 CRC32C TLV must be 4 bytes');
  const expected = tlv.value.readUInt32BE(0);
  const copy = Buffer.from(header);
  copy.fill(0, tlv.value.byteOffset - header.byteOffset, tlv.value.byteOffset - header.byteOffset + 4);
  if (crc32c(copy) !== expected) throw new ProxyProtocolError('PROXY v2 CRC32C mismatch');
}

/** 4 or 16 network-order bytes as text; IPv4-mapped IPv6 becomes the IPv4 address. */
function binaryAddress(bytes: Buffer): string {
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.subarray(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return canonicalAddress(groups.join(':'));
}

/**
 * The form Node gives `socket.remoteAddress` (RFC 5952: lower case, longest zero run
 * compressed), so a header's address compares equal to a socket's. IPv4-mapped IPv6
 * addresses are unwrapped, as everywhere in the server.
 */
export function canonicalAddress(address: string): string {
  if (isIP(address) !== 6) return address;
  const text = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(text);
  if (!mapped) return text;
  const high = parseInt(mapped[1]!, 16);
  const low = parseInt(mapped[2]!, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}
