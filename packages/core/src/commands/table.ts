/** The built-in command table, assembled from the handler groups. */
import { authCommands } from './auth.js';
import { dataChannelCommands } from './data-channel.js';
import { fileCommands } from './files.js';
import { hashCommands } from './hash.js';
import { infoCommands } from './info.js';
import { listingCommands } from './listing.js';
import { navigationCommands } from './navigation.js';
import { parameterCommands } from './params.js';
import { CommandRegistry } from './registry.js';
import { SITE, siteCommands } from './site.js';
import { transferCommands } from './transfer.js';

/** A registry holding every built-in verb and SITE subcommand. */
export function builtinRegistry(): CommandRegistry {
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
  ];
  for (const group of groups) for (const [verb, spec] of Object.entries(group)) registry.add(verb, spec);
  for (const [name, spec] of Object.entries(siteCommands)) registry.addSite(name, spec);
  return registry;
}
