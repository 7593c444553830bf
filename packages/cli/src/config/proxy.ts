/** PROXY protocol settings: `--proxy-protocol` and the config file's `proxyProtocol`. */
import { parseCidr, type ProxyProtocolOptions } from '@ftpkit/core';
import { UsageError, type Flags } from '../args.js';
import type { JsonPath } from './json-source.js';
import type { FileConfig } from './types.js';

/** `--proxy-protocol` (replacing the file's list) or the file's `proxyProtocol`, each block checked. */
export function proxyProtocolOf(flags: Flags, file: FileConfig, at: (path: JsonPath, message: string) => Error): ProxyProtocolOptions | undefined {
  const timeout = file.proxyProtocol?.timeout;
  const withTimeout = (trusted: string[]) => ({ trusted, ...(timeout !== undefined ? { timeout: timeout * 1000 } : {}) });
  if (flags.proxyProtocol) {
    for (const block of flags.proxyProtocol) {
      try {
        parseCidr(block);
      } catch {
        throw new UsageError(`--proxy-protocol needs addresses or CIDR blocks, got "${block}"`);
      }
    }
    return withTimeout(flags.proxyProtocol);
  }
  if (!file.proxyProtocol) return undefined;
  file.proxyProtocol.trusted.forEach((block, index) => {
    try {
      parseCidr(block);
    } catch {
      throw at(['proxyProtocol', 'trusted', index], `not an address or CIDR block: ${JSON.stringify(block)}`);
    }
  });
  return withTimeout(file.proxyProtocol.trusted);
}
