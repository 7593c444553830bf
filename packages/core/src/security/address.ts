/**
 * Address handling for data connections: parsing PORT/EPRT arguments (RFC 959,
 * RFC 2428) and the RFC 2577 rules that stop bounce attacks and port stealing.
 */
import { isIP } from 'node:net';

/** Unwrap IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4` → `1.2.3.4`). */
export function normalizeAddress(address: string | undefined): string {
  if (!address) return '';
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 ? lower.slice(7) : lower;
}

/** A host and port a client asked the server to connect to. */
export interface DataTarget {
  host: string;
  port: number;
}

/** Parse `h1,h2,h3,h4,p1,p2`; undefined when malformed. */
export function parsePortArgument(arg: string): DataTarget | undefined {
  const parts = arg.trim().split(',');
  if (parts.length !== 6 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined;
  const n = parts.map(Number);
  if (n.some((v) => v > 255)) return undefined;
  return { host: n.slice(0, 4).join('.'), port: n[4]! * 256 + n[5]! };
}

/** Parse `|1|1.2.3.4|port|` or `|2|::1|port|` (any delimiter in 33..126); undefined when malformed. */
export function parseEprtArgument(arg: string): DataTarget | undefined {
  const d = arg.trim()[0];
  if (!d || d.charCodeAt(0) < 33 || d.charCodeAt(0) > 126) return undefined;
  const parts = arg.trim().split(d);
  if (parts.length !== 5 || parts[0] !== '' || parts[4] !== '') return undefined;
  const [, proto, host = '', portText = ''] = parts;
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port < 1 || port > 65535) return undefined;
  if (proto === '1' && isIP(host) === 4) return { host, port };
  if (proto === '2' && isIP(host) === 6) return { host: normalizeAddress(host), port };
  return undefined;
}

/** The PASV reply tuple `h1,h2,h3,h4,p1,p2`. */
export function formatPasvTuple(ipv4: string, port: number): string {
  return `${ipv4.split('.').join(',')},${port >> 8},${port & 255}`;
}
