/**
 * Who a connection comes from. Without the `proxyProtocol` option it is the socket's
 * peer. With it, a connection from a trusted balancer must open with a PROXY header,
 * and the client named there is the connection's client everywhere (limits, bans,
 * allow and deny lists, the data-connection peer check, hooks, events, logs). A header
 * from any other address is not looked for: those bytes stay part of the FTP stream.
 */
import type { Socket } from 'node:net';
import { CidrList } from '../security/cidr.js';
import { normalizeAddress } from '../security/address.js';
import type { ProxyHeader } from './proxy-protocol.js';
import { readProxyHeader } from './proxy-reader.js';

/** Options of the PROXY protocol (`FtpServerOptions.proxyProtocol`). */
export interface ProxyProtocolOptions {
  /**
   * CIDR blocks (or bare addresses) of the balancers. Connections from them must start
   * with a PROXY v1 or v2 header; connections from elsewhere are taken as they are.
   */
  trusted: readonly string[];
  /** Milliseconds a trusted connection may take to send its header before it is closed. Default 5000. */
  timeout?: number;
}

/** The client of a connection. */
export interface ClientPeer {
  address: string;
  port: number;
  /** The balancer's address, when the client came through one (a PROXY header). */
  via?: string;
}

/** The socket's own peer. */
export function socketPeer(socket: Socket): ClientPeer {
  return { address: normalizeAddress(socket.remoteAddress), port: socket.remotePort ?? 0 };
}

/** Resolves connections to their clients under one `proxyProtocol` setting. */
export class ClientResolver {
  private readonly trusted: CidrList;
  private readonly timeoutMs: number;

  constructor(options: ProxyProtocolOptions) {
    if (!Array.isArray(options.trusted) || options.trusted.length === 0) {
      throw new TypeError('FtpServer: proxyProtocol.trusted needs at least one CIDR block');
    }
    this.trusted = new CidrList(options.trusted);
    this.timeoutMs = options.timeout ?? 5000;
  }

  /** Whether connections from `address` must carry a PROXY header. */
  trusts(address: string): boolean {
    return this.trusted.matches(address);
  }

  /**
   * The client of `socket`: its own peer unless that is a trusted balancer, else the
   * source named by the PROXY header (the balancer itself for LOCAL and UNKNOWN).
   * Rejects when a trusted connection does not send a valid header in time; the caller
   * closes it.
   */
  async resolve(socket: Socket): Promise<ClientPeer> {
    const peer = socketPeer(socket);
    if (!this.trusts(peer.address)) return peer;
    return fromHeader(peer, await readProxyHeader(socket, this.timeoutMs));
  }
}

function fromHeader(peer: ClientPeer, header: ProxyHeader): ClientPeer {
  if (header.command === 'local' || !header.source) return peer;
  return { address: header.source.address, port: header.source.port, via: peer.address };
}
