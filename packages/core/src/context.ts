/** What a session needs from its server; keeps sessions independent of FtpServer itself. */
import type { CommandMiddleware } from './commands/types.js';
import type { CommandRegistry } from './commands/registry.js';
import type { PassivePortPool } from './data/passive.js';
import type { FtpServerEvents } from './events.js';
import type { ClientResolver } from './net/client-address.js';
import type { TransferHook } from './hooks/types.js';
import type { ResolvedOptions } from './options.js';
import type { Defender } from './security/defender.js';
import type { Session } from './session.js';
import type { SharedState } from './state/shared-state.js';
import type { TlsEngine } from './tls/engine.js';

export interface ServerContext {
  readonly options: ResolvedOptions;
  readonly commands: CommandRegistry;
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
  /** The sessions currently connected. */
  readonly sessions: ReadonlySet<Session>;
  /** Emit an event; a throwing listener is reported as 'error', never propagated. */
  emit<K extends keyof FtpServerEvents>(event: K, ...args: FtpServerEvents[K]): void;
  /** Whether anyone listens for an event (to skip building costly payloads). */
  listens(event: keyof FtpServerEvents): boolean;
  /** Called for every command a session sends while it is not logged in. */
  preLoginActivity(session: Session): void;
  /** Called once when a session's control connection has closed. */
  sessionClosed(session: Session): void;
}
