/** The shapes of commands, their context and command middleware. */
import type { Session } from '../session-view.js';

/** A reply as it was sent: code and text. */
export interface SentReply {
  /** The three-digit reply code. */
  code: number;
  /** The reply text (lines joined with newlines). */
  text: string;
}

/** What a command handler and command middleware see. */
export interface CommandContext {
  /** Upper-cased verb, e.g. `STOR`. For SITE subcommands the verb is still `SITE`. */
  readonly verb: string;
  /** The argument, verbatim. Middleware may rewrite it before calling `next()`. */
  arg: string;
  /** The session the command arrived on. */
  readonly session: Session;
  /** Send a reply. A middleware that replies without calling `next()` vetoes the command. */
  reply(code: number, text: string | readonly string[]): void;
  /** Every reply sent for this command so far, in order (visible after `await next()`). */
  readonly replies: readonly SentReply[];
  /**
   * Fires when ABOR aborts this command, its transfer is aborted (a data connection
   * idle for `dataIdleTimeout`) or the control connection closes. The core passes it
   * to every file system call the command makes; pass it to yours.
   */
  readonly signal: AbortSignal;
}

/** How a command's argument is checked before its handler runs (501 when violated). */
export type ArgumentRule = 'none' | 'optional' | 'required';

/** A command: the same descriptor for built-in verbs, host verbs and SITE subcommands. */
export interface CommandSpec {
  /** Runs the command. Throw `ReplyError` or `FsError` to answer with an error. */
  handler(ctx: CommandContext): Promise<void> | void;
  /** Requires a logged-in user (530 before login). Default true. */
  auth?: boolean;
  /** Argument rule. Default `'optional'`. */
  arg?: ArgumentRule;
  /** Syntax shown by `HELP <verb>`, e.g. `RETR <sp> pathname`. */
  help: string;
  /**
   * The FEAT line for this command (without the leading space), or a function that
   * decides per session (return undefined to leave it out).
   */
  feat?: string | ((session: Session) => string | undefined);
  /** Answered at once while a transfer runs (ABOR, STAT, NOOP, QUIT), instead of queued. */
  duringTransfer?: boolean;
  /**
   * Run at once when it arrives while another command runs and nothing else is queued,
   * so that it can abort that command (ABOR); it must answer after that command does.
   * Queued as usual when it would fail its login or argument check.
   */
  interruptsCommand?: boolean;
  /**
   * A file transfer (RETR, STOR, STOU, APPE): the parameters set for the next transfer
   * (the REST offset, the ALLO size) are used up by this command whatever its outcome,
   * refused, vetoed by a middleware or a hook, or failed, so that they never apply to a
   * later one (a REST left over from a refused STOR would truncate the next RETR).
   */
  fileTransfer?: boolean;
}

/** Command middleware: `server.use(async (ctx, next) => { ...; await next(); ... })`. */
export type CommandMiddleware = (ctx: CommandContext, next: () => Promise<void>) => Promise<void> | void;
