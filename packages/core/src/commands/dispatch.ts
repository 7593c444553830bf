/**
 * Runs one command: host middleware first (in registration order), then the checks
 * every command shares (known verb, login, argument rule), then its handler. Any
 * error becomes a well-formed reply; nothing a handler throws reaches the socket raw.
 */
import { toError } from '../errors.js';
import { isFsError, replyForError } from '../fs/errors.js';
import { answered, runChain } from '../hooks/middleware.js';
import { isReplyError } from '../protocol/reply-error.js';
import type { ServerSession } from '../session.js';
import type { Session } from '../session-view.js';
import type { CommandTable, EngineContext, EngineSpec } from './engine-types.js';
import { CommandRun } from './command-run.js';

/**
 * Standard verbs this server does not offer (or not with its current options, such as
 * the RFC 2228/4217 security verbs without `tls`): 502 "not implemented" rather than
 * 500 "unknown", so clients such as lftp know to fall back.
 */
const NOT_IMPLEMENTED = new Set(['SMNT', 'AUTH', 'ADAT', 'PBSZ', 'PROT', 'CCC', 'MIC', 'CONF', 'ENC', 'HOST', 'LANG']);

/** Run one command line of `session` against the server's command table `commands`. */
export async function dispatch(commands: CommandTable, session: ServerSession, verb: string, arg: string): Promise<void> {
  const startedAt = performance.now();
  const ctx = new CommandRun(commands, session, verb, arg);
  const server = session.server;
  if (server.listens('command')) {
    server.emit('command', { session, verb, arg: verb === 'PASS' ? '****' : arg });
  }
  try {
    await runChain(server.middleware, ctx, runCommand);
  } catch (err) {
    answerError(ctx, err);
  }
  if (commands.get(verb)?.fileTransfer) session.login.clearTransferParameters();
  // A middleware that neither replied nor called next() would leave the client waiting.
  if (!answered(ctx) && !session.closed) {
    server.emit('error', new Error(`No reply was sent for ${verb}: a middleware neither replied nor called next()`), session);
    ctx.reply(451, 'Local error in processing.');
  }
  ctx.end();
  if (server.listens('command-end')) {
    server.emit('command-end', { session, verb, reply: ctx.replies.at(-1)?.code, durationMs: performance.now() - startedAt });
  }
}

/**
 * Whether a command of `spec` with `arg`, arriving while another command runs, is run at
 * once (ABOR): only when it passes its login and argument checks, so that no refusal of
 * its own is answered before the running command's reply.
 */
export function interrupts(session: Session, spec: EngineSpec | undefined, arg: string): boolean {
  if (!spec?.interruptsCommand || (spec.auth !== false && !session.user)) return false;
  const empty = arg.trim() === '';
  return spec.arg === 'none' ? empty : spec.arg !== 'required' || !empty;
}

/** Settled already: what runCommand returns when it answered without running a handler. */
const ANSWERED = Promise.resolve();

/** Not async itself: runSpec's promise is the command's, without another frame around it. */
function runCommand(ctx: EngineContext): Promise<void> {
  const spec = ctx.commands.get(ctx.verb);
  if (spec) return runSpec(ctx, spec, ctx.arg);
  if (NOT_IMPLEMENTED.has(ctx.verb)) ctx.reply(502, `${ctx.verb} not implemented.`);
  else ctx.reply(500, 'Unknown command.');
  return ANSWERED;
}

/** Check a descriptor's rules, then run its handler (also used for SITE subcommands). */
export async function runSpec(ctx: EngineContext, spec: EngineSpec, arg: string): Promise<void> {
  if (spec.auth !== false) ctx.session.requireUser();
  const rule = spec.arg ?? 'optional';
  if (rule === 'required' && arg.trim() === '') return ctx.reply(501, `Syntax: ${spec.help}`);
  if (rule === 'none' && arg.trim() !== '') return ctx.reply(501, `Syntax: ${spec.help}`);
  await spec.handler(ctx);
}

/**
 * Turn anything thrown while running a command into a reply. When the command was
 * already answered (a middleware threw after `next()`), a second reply would be taken
 * as the answer to the next command: the error is only reported.
 */
function answerError(ctx: EngineContext, err: unknown): void {
  const known = isReplyError(err) || isFsError(err);
  if (!known) ctx.session.server.emit('error', toError(err), ctx.session);
  if (answered(ctx)) return;
  if (isReplyError(err)) return ctx.reply(err.code, err.message);
  if (isFsError(err)) {
    const { code, text } = replyForError(err);
    return ctx.reply(code, text);
  }
  ctx.reply(451, 'Local error in processing.');
}
