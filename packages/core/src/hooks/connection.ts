/** The connection hook: accept or refuse a control connection before the banner. */
import type { Socket } from 'node:net';
import { toError } from '../errors.js';
import { formatReply } from '../protocol/reply.js';
import { normalizeAddress } from '../security/address.js';
import type { ConnectionHook } from './types.js';

/** Answer 421 and close a connection that gets no session. */
export function refuseConnection(socket: Socket, message: string): void {
  socket.on('error', () => {});
  socket.end(formatReply(421, message));
  // A client that never reads could keep the socket half-open.
  setTimeout(() => socket.destroy(), 1000).unref();
}

/**
 * Run the connection hook for a new socket. Resolves with the banner to greet with
 * (`undefined`: the server's default), or `false` when the connection was refused or
 * closed while the hook ran. A throwing hook refuses and is reported through `report`.
 */
export async function admitConnection(
  socket: Socket,
  peer: { address: string; port: number; secure: boolean },
  hook: ConnectionHook | undefined,
  report: (error: Error) => void,
): Promise<string | readonly string[] | undefined | false> {
  if (!hook) return undefined;
  socket.on('error', () => {}); // the session attaches its own handling once admitted
  let decision;
  try {
    decision = await hook({ ...peer, localAddress: normalizeAddress(socket.localAddress) });
  } catch (err) {
    report(toError(err));
    refuseConnection(socket, 'Service not available, closing control connection.');
    return false;
  }
  if (socket.destroyed) return false;
  if (decision && decision.accept === false) {
    refuseConnection(socket, decision.message ?? 'Connection refused.');
    return false;
  }
  return decision?.banner;
}
