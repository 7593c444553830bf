/**
 * The shapes of the hooks a host registers: the connection hook, the pre-login hook
 * on USER and the transfer hooks. Authentication and command middleware live with
 * their neighbours (`options.ts`, `commands/types.ts`).
 */
import type { Transform } from 'node:stream';
import type { TransferDirection, TransferResult } from '../data/transfer.js';
import type { Session } from '../session-view.js';

/** What the connection hook knows about a new control connection. */
export interface ConnectionInfo {
  /** The client's IP address (IPv4-mapped IPv6 addresses are unwrapped). */
  readonly address: string;
  readonly port: number;
  /** The server address the client connected to. */
  readonly localAddress: string;
  /** True on an implicit-FTPS connection (the hook runs after its TLS handshake). */
  readonly secure: boolean;
}

/**
 * The connection hook's answer. `undefined` (or `{ accept: true }`) admits the client
 * with the server's greeting; `banner` replaces the 220 text for this connection;
 * `{ accept: false }` answers 421 with `message` and closes the connection.
 */
export type ConnectionDecision =
  | void
  | undefined
  | { accept: true; banner?: string | readonly string[] }
  | { accept: false; message?: string };

/** Runs before the banner. Throwing refuses the connection (421) and emits 'error'. */
export type ConnectionHook = (info: ConnectionInfo) => ConnectionDecision | Promise<ConnectionDecision>;

/** What the pre-login hook receives when a client sends USER. */
export interface LoginAttempt {
  /** The name given with USER. */
  readonly username: string;
  /** True for `anonymous`/`ftp` when the server's `anonymous` option is on. */
  readonly anonymous: boolean;
  /** The client's IP address (see {@link Session.remoteAddress}). */
  readonly address: string;
  /** Whether the control connection is TLS-protected. */
  readonly secure: boolean;
  /** The session logging in. */
  readonly session: Session;
}

/** The pre-login hook's answer: `requireTls` refuses the user (530) on a plain connection. */
export type LoginPolicy = void | undefined | { requireTls?: boolean };

/**
 * Runs on USER, before a password is asked for. Throw `AuthError` to refuse with its
 * message (530); return `{ requireTls: true }` to accept the name only over TLS.
 */
export type BeforeLoginHook = (attempt: LoginAttempt) => LoginPolicy | Promise<LoginPolicy>;

/** The file transfer commands that run transfer hooks. */
export type FileTransferCommand = 'RETR' | 'STOR' | 'APPE' | 'STOU';

/** A file transfer about to start (or running), as transfer hooks see it. */
export interface TransferRequest {
  /** The session the transfer runs in. */
  readonly session: Session;
  /** RETR, STOR, APPE or STOU. */
  readonly command: FileTransferCommand;
  /** `download` for RETR, `upload` for the others. */
  readonly direction: TransferDirection;
  /** Virtual path of the file, after any redirect by an earlier hook. */
  readonly path: string;
  /** REST offset the transfer starts at (0 for a whole file). */
  readonly offset: number;
}

/** A `before` hook's answer: `path` redirects the transfer to another file. */
export type TransferPlanChange = void | undefined | { path?: string };

/**
 * An `after` hook's answer. `reject` refuses a completed transfer: the client gets
 * `code` (a 4xx or 5xx; default 550) and `reject` as text instead of 226. A rejected
 * upload is removed unless `remove` is false.
 */
export type TransferVerdict = void | undefined | { reject: string; code?: number; remove?: boolean };

/** A finished file transfer: the request and its honest outcome. */
export interface FinishedTransfer extends TransferRequest {
  readonly outcome: TransferResult;
}

/**
 * Hooks around file transfers (RETR, STOR, APPE, STOU), registered with
 * `server.addTransferHook()`. Several hooks run in registration order.
 */
export interface TransferHook {
  /** Only run for this direction. Default: both. */
  direction?: TransferDirection;
  /**
   * Before the file is opened. Throw `ReplyError` to veto with that reply; return
   * `{ path }` to redirect the transfer (resolved against the working directory).
   */
  before?(request: TransferRequest): TransferPlanChange | Promise<TransferPlanChange>;
  /**
   * A stream the file bytes pass through (uploads: before they are stored; downloads:
   * after they are read), created fresh for each transfer. Destroying it with a
   * `ReplyError` fails the transfer with that reply.
   */
  transform?(request: TransferRequest): Transform | undefined | Promise<Transform | undefined>;
  /**
   * After the transfer, before the client gets its final reply. Sees every outcome
   * (completed, aborted, failed); a verdict rejecting a completed transfer replaces the
   * 226. Throwing a `ReplyError` answers with it; other errors answer 451 and emit 'error'.
   */
  after?(transfer: FinishedTransfer): TransferVerdict | Promise<TransferVerdict>;
}
