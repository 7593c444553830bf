/**
 * Server-side TLS handshakes over sockets that are already connected: the control
 * connection after AUTH TLS, an implicit-FTPS connection from its first byte, and the
 * data connections of a PROT P session.
 */
import type { Socket } from 'node:net';
import { Server as TlsServer, TLSSocket, type PeerCertificate, type SecureContext } from 'node:tls';
import { TlsContexts } from './contexts.js';
import type { TlsCertificate, TlsOptions, VirtualHost } from './options.js';
import type { TlsPolicy } from './requirements.js';
import type { StateStore } from '../state/store.js';
import { SessionCache } from './session-cache.js';
import { SharedTicketKeys } from './ticket-keys.js';

/** Thrown when a handshake fails or times out; the message says which. */
export class TlsHandshakeError extends Error {
  override readonly name = 'TlsHandshakeError';
}

export class TlsEngine {
  readonly contexts: TlsContexts;
  /** Server-wide policy. */
  readonly policy: Readonly<TlsPolicy>;
  // Never listens: it only carries the TLS 1.2 session-id cache callbacks for sockets
  // made with `new TLSSocket` (tickets need no cache).
  private readonly sessionEvents = new TlsServer();
  /** Control sockets that asked for a client certificate, checked after the handshake. */
  private readonly requestingCert = new WeakSet<TLSSocket>();
  /** Ticket keys shared through the state store. */
  readonly ticketKeys: SharedTicketKeys | undefined;

  /** @param state where ticket keys are shared (the server's store); none: this process's own keys */
  constructor(
    readonly options: TlsOptions,
    virtualHosts?: Record<string, VirtualHost>,
    state?: StateStore,
  ) {
    this.contexts = new TlsContexts(options, virtualHosts);
    if (state) this.ticketKeys = new SharedTicketKeys(state, (keys) => this.contexts.setTicketKeys(keys));
    const { requireTls = false, requireProtectedData = false, requireSessionReuse = false } = options;
    this.policy = Object.freeze({ requireTls, requireProtectedData, requireSessionReuse });
    new SessionCache().attach(this.sessionEvents);
  }

  /** Replace the default certificate; see {@link TlsContexts.replaceDefault}. */
  setSecureContext(certificate?: TlsCertificate): void {
    this.contexts.replaceDefault(certificate);
  }

  /**
   * Start TLS on a control connection; the socket is returned at once (so the caller
   * can take it over before any byte is read), {@link handshake} waits for it.
   * `virtualHost` (chosen by HOST) picks the certificate; otherwise the SNI name does.
   */
  secureControl(socket: Socket, virtualHost: string | undefined): TLSSocket {
    const { requestCert = false, rejectUnauthorized = false } = this.options;
    const secured = new TLSSocket(socket, {
      isServer: true,
      server: this.sessionEvents,
      secureContext: this.contexts.select(undefined, virtualHost),
      SNICallback: (name, done) => done(null, this.contexts.select(name, virtualHost)),
      requestCert,
      rejectUnauthorized: requestCert && rejectUnauthorized,
    });
    if (requestCert) this.requestingCert.add(secured);
    return secured;
  }

  /**
   * Handshake on a data connection with the control connection's certificate. With
   * `requireReuse`, a handshake that did not resume a session of this server fails.
   */
  async secureData(socket: Socket, control: TLSSocket, virtualHost: string | undefined, requireReuse: boolean): Promise<TLSSocket> {
    const servername = typeof control.servername === 'string' ? control.servername : undefined;
    const context: SecureContext = this.contexts.select(servername, virtualHost);
    const secured = await this.handshake(
      new TLSSocket(socket, { isServer: true, server: this.sessionEvents, secureContext: context, SNICallback: (_name, done) => done(null, context) }),
    );
    if (requireReuse && !secured.isSessionReused()) {
      secured.destroy();
      throw new TlsHandshakeError('TLS session of the data connection not resumed; session reuse is required.');
    }
    return secured;
  }

  /** The client's certificate when it presented one that verified against `ca`. */
  static verifiedPeerCertificate(socket: TLSSocket): PeerCertificate | undefined {
    if (!socket.authorized) return undefined;
    const certificate = socket.getPeerCertificate(true);
    return certificate && Object.keys(certificate).length > 0 ? certificate : undefined;
  }

  /**
   * Record whether the client certificate verified, as `tls.Server` does for its own
   * sockets (it is not done for a `TLSSocket` made directly). OpenSSL verified the
   * chain during the handshake; its verdict is only reachable through the handle.
   * Fails closed if that ever changes. Returns false when the socket must be refused.
   */
  private authorize(socket: TLSSocket): boolean {
    const handle = (socket as unknown as { _handle?: { verifyError?: () => Error | null } })._handle;
    const error = typeof handle?.verifyError === 'function' ? handle.verifyError() : new Error('unverifiable');
    if (error) socket.authorizationError = error;
    socket.authorized = !error;
    return socket.authorized || !(this.options.rejectUnauthorized ?? false);
  }

  /**
   * Resolves once the handshake completed (and, with `requestCert`, the client
   * certificate was checked); on failure or timeout destroys the socket.
   */
  handshake(socket: TLSSocket): Promise<TLSSocket> {
    const checkPeer = this.requestingCert.has(socket);
    const timeoutMs = this.options.handshakeTimeout ?? 10_000;
    return new Promise((resolve, reject) => {
      const fail = (reason: string) => {
        cleanup();
        socket.destroy();
        reject(new TlsHandshakeError(reason));
      };
      const timer = setTimeout(() => fail('TLS handshake timed out'), timeoutMs);
      // OpenSSL messages span lines and name source files; its `reason` is the readable part.
      const onError = (err: Error & { reason?: string }) => fail(`TLS handshake failed: ${err.reason ?? err.message.split('\n')[0]}`);
      const onClose = () => fail('connection closed during the TLS handshake');
      const cleanup = () => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.off('close', onClose);
      };
      socket.once('error', onError);
      socket.once('close', onClose);
      socket.once('secure', () => {
        if (checkPeer && !this.authorize(socket)) return fail('client certificate not trusted');
        cleanup();
        socket.on('error', () => {}); // later errors surface through the stream users
        // TLS 1.3: 'secure' fires before OpenSSL has written its session tickets; until
        // it has, an end() cannot send close_notify and clients see a truncated stream.
        setImmediate(() => resolve(socket));
      });
    });
  }
}
