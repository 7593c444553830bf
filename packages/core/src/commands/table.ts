/** The built-in command table, assembled from the handler groups. */
import { authCommands } from './auth.js';
import { dataChannelCommands } from './data-channel.js';
import { fileCommands } from './files.js';
import { hashCommands } from './hash.js';
import { hostCommands } from './host.js';
import { infoCommands } from './info.js';
import { listingCommands } from './listing.js';
import { navigationCommands } from './navigation.js';
import { parameterCommands } from './params.js';
import { CommandRegistry } from './registry.js';
import { SITE, siteCommands } from './site.js';
import { tlsCommands } from './tls.js';
import { transferCommands } from './transfer.js';

/** The options that decide which optional verbs exist (a server's resolved options fit). */
export interface CommandTableOptions {
  /** TLS is configured: AUTH, PBSZ, PROT and CCC are registered. */
  readonly tls?: object | undefined;
  /** Virtual hosts are configured: HOST is registered. */
  readonly virtualHosts?: object | undefined;
}

/**
 * A registry holding every built-in verb and SITE subcommand, with the TLS verbs when
 * `options.tls` is set and HOST when `options.virtualHosts` is.
 */
export function builtinRegistry(options: CommandTableOptions = {}): CommandRegistry {
  const registry = new CommandRegistry();
  const groups = [
    authCommands,
    navigationCommands,
    fileCommands,
    hashCommands,
    parameterCommands,
    dataChannelCommands,
    transferCommands,
    listingCommands,
    infoCommands,
    { SITE },
    options.tls ? tlsCommands : {},
    options.virtualHosts ? hostCommands : {},
  ];
  for (const group of groups) for (const [verb, spec] of Object.entries(group)) registry.add(verb, spec);
  for (const [name, spec] of Object.entries(siteCommands)) registry.addSite(name, spec);
  return registry;
}
