/** The typed events an {@link FtpServer} emits. Listeners that throw never break a session. */
import type { AddressInfo } from 'node:net';
import type { ActiveTransfer, TransferResult } from './data/transfer.js';
import type { AddressBannedEvent } from './security/defender.js';
import type { Session } from './session-view.js';

/** A transfer, with the session it belongs to. */
export interface TransferEvent extends ActiveTransfer {
  /** The session the transfer runs in. */
  session: Session;
}

/**
 * The events of an {@link FtpServer}, by name, with their arguments. Within a command
 * they come in this order: 'command', the handler's work ('transfer-start',
 * 'transfer-progress', 'transfer-end' after the final reply), then 'command-end'.
 */
export interface FtpServerEvents {
  /** The server is listening. */
  listening: [address: AddressInfo];
  /** A control connection was accepted (after the connection limits). */
  connect: [session: Session];
  /** A user logged in. */
  login: [session: Session];
  /** A login was refused. */
  'login-failed': [event: { session: Session; username: string; reason: string }];
  /** An address was banned: after repeated failed logins, or by `defender.ban()` (see `defender`). */
  'address-banned': [event: AddressBannedEvent];
  /** A command line arrived (PASS arguments are masked). */
  command: [event: { session: Session; verb: string; arg: string }];
  /** A command has been answered: its last reply code and how long it took (transfers included). */
  'command-end': [event: { session: Session; verb: string; reply: number | undefined; durationMs: number }];
  /** A data transfer (download, upload or listing) started moving bytes. */
  'transfer-start': [event: TransferEvent];
  /** Emitted at most once a second per transfer while it runs. */
  'transfer-progress': [event: TransferEvent];
  /** A transfer ended, after its final reply: completed, aborted or failed, with the bytes moved. */
  'transfer-end': [event: TransferEvent & { result: TransferResult }];
  /** A control connection closed. */
  disconnect: [session: Session];
  /** Something went wrong that the client was answered for; never fatal to the server. */
  error: [error: Error, session?: Session];
  /** The server closed. */
  close: [];
}
