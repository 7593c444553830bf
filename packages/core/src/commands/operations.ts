/**
 * The commands a session is running, and the AbortSignal each one hands to its file
 * system calls: it fires when ABOR aborts the command or the session ends (its 421 on
 * `session.close()` or server shutdown, or the client vanishing).
 */
import type { Session } from '../session-view.js';
import type { CommandContext } from './types.js';

/** @internal One command in flight, from the dispatcher's start to its final reply. */
export interface RunningCommand {
  /** Fires on ABOR or when the session ends. Created on first use. */
  readonly signal: AbortSignal;
  /** Mark the command aborted (ABOR, session end): its signal fires. */
  abort(): void;
  /** Settles once the command has sent its final reply. */
  readonly done: Promise<void>;
  /** Called by the dispatcher when the command has ended. */
  end(): void;
}

const running = new WeakMap<Session, Map<CommandContext, RunningCommand>>();

/** @internal Register the command of `ctx` as started; call `end()` on the result when it has ended. */
export function beginCommand(ctx: CommandContext): RunningCommand {
  const { session } = ctx;
  let controller: AbortController | undefined;
  let aborted = false;
  let ended = false;
  // Made only when an ABOR waits for it: most commands run and end unwatched.
  let done: Promise<void> | undefined;
  let finish: (() => void) | undefined;
  const command: RunningCommand = {
    // Most commands (TYPE, PASV, NOOP) never ask for one.
    get signal() {
      controller ??= new AbortController();
      if (aborted || session.closed) controller.abort();
      return controller.signal;
    },
    abort() {
      aborted = true;
      controller?.abort();
    },
    get done() {
      if (ended) return Promise.resolve();
      return (done ??= new Promise<void>((resolve) => (finish = resolve)));
    },
    end() {
      ended = true;
      running.get(session)?.delete(ctx);
      finish?.();
    },
  };
  let commands = running.get(session);
  if (!commands) running.set(session, (commands = new Map()));
  commands.set(ctx, command);
  return command;
}

/** @internal Abort the command of `ctx` (its transfer stalled, or was aborted): its signal fires. */
export function abortCommand(ctx: CommandContext): void {
  running.get(ctx.session)?.get(ctx)?.abort();
}

/** @internal Abort every command `session` is running: it is ending. */
export function abortCommands(session: Session): void {
  for (const command of running.get(session)?.values() ?? []) command.abort();
}

/**
 * @internal Abort every other command the session of `ctx` is running (ABOR) and wait
 * until each has sent its reply, so that the caller's reply comes after theirs.
 * Resolves to whether there was any.
 */
export async function abortOtherCommands(ctx: CommandContext): Promise<boolean> {
  const others = [...(running.get(ctx.session) ?? [])].filter(([other]) => other !== ctx).map(([, command]) => command);
  for (const command of others) command.abort();
  await Promise.all(others.map((command) => command.done));
  return others.length > 0;
}
