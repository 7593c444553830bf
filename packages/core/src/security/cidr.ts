/**
 * Address lists in CIDR form (`10.0.0.0/8`, `2001:db8::/32`, or a bare address), for
 * the allow and deny lists. Matching is Node's own `net.BlockList`; this module only
 * parses and validates, so a typo in a list fails at start instead of silently
 * matching nothing.
 */
import { BlockList, isIP } from 'node:net';

/** One parsed CIDR block. */
export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** Parse `address[/prefix]`; throws a RangeError naming the bad entry. */
export function parseCidr(text: string): Cidr {
  const [address = '', prefixText, extra] = text.trim().split('/');
  const version = isIP(address);
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (version === 0 || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
    throw new RangeError(`invalid CIDR block: ${JSON.stringify(text)}`);
  }
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** A set of CIDR blocks; IPv4-mapped IPv6 addresses match their IPv4 blocks. */
export class CidrList {
  private readonly list = new BlockList();
  /** Number of blocks in the list. */
  readonly size: number;

  constructor(blocks: readonly string[]) {
    for (const block of blocks) {
      const { address, prefix, family } = parseCidr(block);
      this.list.addSubnet(address, prefix, family);
    }
    this.size = blocks.length;
  }

  /** Whether `address` falls in any block; false for anything that is not an IP address. */
  matches(address: string): boolean {
    if (this.size === 0) return false; // BlockList.check builds objects per call; skip it when empty
    const version = isIP(address);
    if (version === 0) return false;
    return this.list.check(address, version === 4 ? 'ipv4' : 'ipv6');
  }
}
