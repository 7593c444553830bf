/**
 * The built-in commands' side of the command types: their handlers see the engine's
 * own session (its login state, data channel and server) and the command table, where
 * a host's handler sees the public {@link CommandContext}. A host's `CommandSpec` is an
 * {@link EngineSpec} as it is: a handler of the public context accepts this one.
 */
import type { ServerSession } from '../session.js';
import type { CommandContext, CommandSpec } from './types.js';

/** @internal What a built-in handler sees: the public context, with the engine's session and the table. */
export interface EngineContext extends CommandContext {
  readonly session: ServerSession;
  /** The commands the server answers (HELP, FEAT and SITE read them). */
  readonly commands: CommandTable;
  /** Abort this command (its transfer stalled or was aborted): its signal fires. */
  abort(): void;
}

/** @internal A command as the table holds it: a host's `CommandSpec`, or a built-in one. */
export interface EngineSpec extends Omit<CommandSpec, 'handler' | 'feat'> {
  handler(ctx: EngineContext): Promise<void> | void;
  feat?: string | ((session: ServerSession) => string | undefined);
}

/** @internal The read side of the command table. */
export interface CommandTable {
  /** The descriptor of a verb, if registered. */
  get(verb: string): EngineSpec | undefined;
  /** The descriptor of a SITE subcommand, if registered. */
  getSite(name: string): EngineSpec | undefined;
  /** Every registered verb, sorted. */
  verbList(): string[];
  /** Every SITE subcommand, sorted. */
  siteList(): string[];
  /** The FEAT lines for a session, sorted and without duplicates. */
  features(session: ServerSession): string[];
}
