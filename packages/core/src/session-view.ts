/**
 * The public view of a session: what hooks, middleware, command handlers, events and
 * `authenticate` see of one control connection. The engine's own session implements
 * it; this module imports nothing of the engine, so the view can be read on its own.
 */
import type { Socket } from 'node:net';
import type { FileSystem } from './fs/filesystem.js';
import type { Permissions } from './permissions/presets.js';

/** The logged-in user of a session. */
export interface SessionUser {
  /** The name the user logged in with. */
  readonly username: string;
  /** True for an anonymous login (`anonymous`/`ftp` with the `anonymous` option on). */
  readonly anonymous: boolean;
  /** The user's storage, as `authenticate` returned it (wrapped by any limits). */
  readonly fs: FileSystem;
  /** Whether the core closes `fs` when this login ends (`AuthResult.ownsFileSystem`). */
  readonly ownsFileSystem: boolean;
  /** What the user may do, as `authenticate` returned it (default full access). */
  readonly permissions: Readonly<Permissions>;
  /** Host data returned by `authenticate`. */
  readonly data: Record<string, unknown>;
}

/**
 * One control connection, as hooks, middleware and events see it: who the client is,
 * whether it is logged in (`user`), where it is (`cwd`) and how the connection is
 * protected. Created by the server; hosts read it and never construct one.
 */
export interface Session {
  /** Unique id, for logs and host bookkeeping. */
  readonly id: string;
  /**
   * The client's IP address (IPv4-mapped IPv6 unwrapped): with `proxyProtocol`, the
   * one a trusted balancer's PROXY header named.
   */
  readonly remoteAddress: string;
  /** The client's port, as `remoteAddress` names it. */
  readonly remotePort: number;
  /** The balancer the client came through (a PROXY header), if any. */
  readonly proxyAddress: string | undefined;
  /** The server address the client connected to. */
  readonly localAddress: string;
  /** When the connection was accepted. */
  readonly connectedAt: Date;
  /** Free-form bag for hosts and middleware. */
  readonly data: Record<string, unknown>;
  /** The logged-in user, once PASS succeeded (gone again after REIN). */
  readonly user: SessionUser | undefined;
  /** Current working directory (virtual path). */
  readonly cwd: string;
  /** TYPE: `A` (ASCII, the RFC 959 default) or `I` (binary). */
  readonly transferType: 'A' | 'I';
  /** Whether the control connection is TLS-protected. */
  readonly secure: boolean;
  /** Whether data connections are TLS-protected (PROT P). */
  readonly protectData: boolean;
  /** The virtual host chosen with HOST (RFC 7151), lower-cased. */
  readonly virtualHost: string | undefined;
  /** Whether the control connection is gone or going. */
  readonly closed: boolean;
  /** The control socket (a TLS socket after AUTH TLS). */
  readonly socket: Socket;
  /** Resolves once the control connection has closed and the session is cleaned up. */
  whenClosed(): Promise<void>;
  /** Send a reply on the control connection. */
  reply(code: number, text: string | readonly string[]): void;
  /** Resolve a client-supplied path against the working directory. */
  resolve(path: string): string;
  /** The logged-in user; throws 530 when there is none (for handlers with `auth: true`). */
  requireUser(): SessionUser;
  /** Throws 550 unless the user holds `permission`. */
  requirePermission(permission: keyof Permissions): SessionUser;
  /**
   * Close the session: abort any transfer, optionally say why (421), end the control
   * connection. Resolves when it is closed.
   */
  close(reason?: string): Promise<void>;
}
