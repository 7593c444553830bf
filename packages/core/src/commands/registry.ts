/**
 * The command table: verb → descriptor, and SITE subcommand → descriptor. Built-in
 * commands and a host's own are registered the same way, so HELP and FEAT always
 * describe exactly what the server answers.
 */
import type { ServerSession } from '../session.js';
import type { CommandTable, EngineSpec } from './engine-types.js';

/** @internal The command table of one server. */
export class CommandRegistry implements CommandTable {
  private readonly verbs = new Map<string, EngineSpec>();
  private readonly siteCommands = new Map<string, EngineSpec>();

  /** Register (or replace) a verb. */
  add(verb: string, spec: EngineSpec): void {
    this.verbs.set(verb.toUpperCase(), spec);
  }

  /** Register (or replace) a SITE subcommand. */
  addSite(name: string, spec: EngineSpec): void {
    this.siteCommands.set(name.toUpperCase(), spec);
  }

  get(verb: string): EngineSpec | undefined {
    return this.verbs.get(verb);
  }

  getSite(name: string): EngineSpec | undefined {
    return this.siteCommands.get(name.toUpperCase());
  }

  /** Every registered verb, sorted. */
  verbList(): string[] {
    return [...this.verbs.keys()].sort();
  }

  /** Every SITE subcommand, sorted. */
  siteList(): string[] {
    return [...this.siteCommands.keys()].sort();
  }

  /** The FEAT lines for a session, sorted and without duplicates. */
  features(session: ServerSession): string[] {
    const lines = new Set<string>();
    for (const spec of [...this.verbs.values(), ...this.siteCommands.values()]) {
      const feat = typeof spec.feat === 'function' ? spec.feat(session) : spec.feat;
      if (feat) lines.add(feat);
    }
    return [...lines].sort();
  }
}
