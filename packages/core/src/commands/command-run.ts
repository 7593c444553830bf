/**
 * One command in flight: the context its handler and the host's middleware see, and its
 * abort state. One object per command, its methods on the prototype (but `reply`, which
 * callers take out of it), and its AbortController made only when something asks for the signal.
 */
import type { ServerSession } from '../session.js';
import type { CommandTable, EngineContext } from './engine-types.js';
import type { RunningCommand } from './operations.js';
import type { SentReply } from './types.js';

/** @internal The context of one command, registered with its session while it runs. */
export class CommandRun implements EngineContext, RunningCommand {
  readonly replies: SentReply[] = [];
  #controller: AbortController | undefined;
  #aborted = false;
  #ended = false;
  // Made only when an ABOR waits for it: most commands run and end unwatched.
  #done: Promise<void> | undefined;
  #finish: (() => void) | undefined;

  constructor(
    readonly commands: CommandTable,
    readonly session: ServerSession,
    readonly verb: string,
    public arg: string,
  ) {
    session.runningCommands.add(this);
  }

  // A bound function: handlers and middleware take it out of the context (`const { reply } = ctx`).
  readonly reply = (code: number, text: string | readonly string[]): void => {
    this.replies.push({ code, text: typeof text === 'string' ? text : text.join('\n') });
    this.session.reply(code, text);
  };

  // Most commands (TYPE, PASV, NOOP) never ask for one.
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    if (this.#aborted || this.session.closed) this.#controller.abort();
    return this.#controller.signal;
  }

  abort(): void {
    this.#aborted = true;
    this.#controller?.abort();
  }

  get done(): Promise<void> {
    if (this.#ended) return Promise.resolve();
    return (this.#done ??= new Promise<void>((resolve) => (this.#finish = resolve)));
  }

  /** Called by the dispatcher when the command has sent its final reply. */
  end(): void {
    this.#ended = true;
    this.session.runningCommands.delete(this);
    this.#finish?.();
  }
}
