/**
 * The address advertised in PASV replies must resolve, or every passive transfer fails
 * with 451; a name that does not resolve at start is refused then.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { StartupError } from './startup-error.js';

/** Resolve `host` (IPv4, as PASV needs) or throw a {@link StartupError} naming `where`. */
export async function checkPublicHost(host: string, where: string): Promise<void> {
  if (isIP(host)) return;
  try {
    await lookup(host, { family: 4 });
  } catch (err) {
    throw new StartupError(`${where}: cannot resolve "${host}" to an IPv4 address (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
