/**
 * What every session of a server shares: its options, middleware, transfer hooks,
 * ports, TLS, defender and state. Keeps sessions and commands independent of FtpServer
 * itself; the command table is handed to commands by the dispatcher, not kept here.
 */
import type { CommandMiddleware } from './commands/types.js';
import type { PassivePortPool } from './data/passive.js';
import type { FtpServerEvents } from './events.js';
import type { ClientResolver } from './net/client-address.js';
import type { TransferHook } from './hooks/types.js';
import type { ResolvedOptions } from './options.js';
import type { Defender } from './security/defender.js';
import type { SharedState } from './state/shared-state.js';
import type { TlsEngine } from './tls/engine.js';

/** @internal The services a server shares with its sessions (see the module comment). */
export interface ServerContext {
  readonly options: ResolvedOptions;
  readonly middleware: readonly CommandMiddleware[];
  readonly transferHooks: readonly TransferHook[];
  readonly passivePorts: PassivePortPool;
  /** PROXY protocol handling, when the `proxyProtocol` option is set. */
  readonly clients: ClientResolver | undefined;
  /** The TLS machinery, when the `tls` option is set. */
  readonly tls: TlsEngine | undefined;
  /** Failed-login accounting and address bans, shared by every session. */
  readonly defender: Defender;
  /** The state store behind the limits, and this node's leases. */
  readonly state: SharedState;
  /** Emit an event; a throwing listener is reported as 'error', never propagated. */
  emit<K extends keyof FtpServerEvents>(event: K, ...args: FtpServerEvents[K]): void;
  /** Whether anyone listens for an event (to skip building costly payloads). */
  listens(event: keyof FtpServerEvents): boolean;
}
