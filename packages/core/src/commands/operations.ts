/**
 * The commands a session is running, so that ABOR and the session's end can abort them:
 * each one's AbortSignal fires and the file system calls it was handed stop. Kept apart
 * from the command context (command-run.ts) so that the session holds its commands
 * without importing the engine's command types.
 */

/** @internal One command in flight, as its session's {@link RunningCommands} holds it. */
export interface RunningCommand {
  /** Mark the command aborted (ABOR, session end): its signal fires. */
  abort(): void;
  /** Settles once the command has sent its final reply. */
  readonly done: Promise<void>;
}

/** @internal The commands one session is running, from the dispatcher's start to their final reply. */
export class RunningCommands {
  readonly #commands = new Set<RunningCommand>();

  /** Register a command that has started. */
  add(command: RunningCommand): void {
    this.#commands.add(command);
  }

  /** Unregister a command that has ended. */
  delete(command: RunningCommand): void {
    this.#commands.delete(command);
  }

  /** Abort every command: the session is ending. */
  abortAll(): void {
    for (const command of this.#commands) command.abort();
  }

  /**
   * Abort every command but `caller` (ABOR) and wait until each has sent its reply, so
   * that the caller's reply comes after theirs. Resolves to whether there was any.
   */
  async abortOthers(caller: object): Promise<boolean> {
    const others = [...this.#commands].filter((command) => command !== caller);
    for (const command of others) command.abort();
    await Promise.all(others.map((command) => command.done));
    return others.length > 0;
  }
}
