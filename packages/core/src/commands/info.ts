/** Information and options: SYST, FEAT (RFC 2389), OPTS (UTF8, MLST, HASH), HELP, STAT, NOOP. */
import { MLST_FACTS, type MlstFact } from '../fs/list-format.js';
import type { ServerSession } from '../session.js';
import { hashOptions } from './hash.js';
import { statPath } from './listing.js';
import { modeName } from './transfer.js';
import type { CommandTable, EngineSpec } from './engine-types.js';

function serverStatus(session: ServerSession): string[] {
  const lines = ['ftpkit status:', ` Connected from ${session.remoteAddress}`];
  lines.push(session.user ? ` Logged in as ${session.user.username}` : ' Not logged in');
  lines.push(` TYPE: ${modeName(session)}; STRUcture: File; MODE: Stream`);
  lines.push(` Control connection ${session.secure ? 'TLS-protected' : 'plain'}; data ${session.protectData ? 'protected' : 'clear'}`);
  const t = session.transfer;
  lines.push(t ? ` Transfer in progress: ${t.command} ${t.path}, ${t.bytes} bytes so far` : ' No data transfer in progress');
  lines.push('End of status.');
  return lines;
}

function helpText(commands: CommandTable): string[] {
  const verbs = commands.verbList();
  const rows: string[] = [];
  for (let i = 0; i < verbs.length; i += 8) rows.push(` ${verbs.slice(i, i + 8).map((v) => v.padEnd(5)).join(' ')}`);
  return ['The following commands are recognized:', ...rows, 'Help OK.'];
}

export const infoCommands: Record<string, EngineSpec> = {
  NOOP: {
    auth: false,
    arg: 'none',
    duringTransfer: true,
    help: 'NOOP',
    handler: ({ reply }) => reply(200, 'NOOP ok.'),
  },
  SYST: {
    auth: false,
    arg: 'none',
    help: 'SYST',
    handler: ({ reply }) => reply(215, 'UNIX Type: L8'),
  },
  FEAT: {
    auth: false,
    arg: 'none',
    help: 'FEAT',
    handler({ session, commands, reply }) {
      const features = commands.features(session).map((f) => ` ${f}`);
      reply(211, ['Features:', ...features, 'End']);
    },
  },
  OPTS: {
    auth: false,
    arg: 'required',
    help: 'OPTS <sp> UTF8 ON | MLST facts | HASH [algorithm]',
    feat: 'UTF8',
    handler({ session, arg, reply }) {
      const space = arg.indexOf(' ');
      const name = (space === -1 ? arg : arg.slice(0, space)).toUpperCase();
      const value = space === -1 ? '' : arg.slice(space + 1).trim();
      if (name === 'UTF8' || name === 'UTF-8') {
        if (value === '' || value.toUpperCase() === 'ON') return reply(200, 'Always in UTF8 mode.');
        return reply(504, 'UTF8 cannot be turned off.');
      }
      if (name === 'MLST') {
        const requested = value.toLowerCase().split(';').filter(Boolean);
        const chosen = MLST_FACTS.filter((f) => requested.includes(f));
        session.login.mlstFacts = new Set<MlstFact>(chosen);
        return reply(200, `MLST OPTS ${chosen.map((f) => `${f};`).join('')}`);
      }
      if (name === 'HASH') return hashOptions(session, value, reply);
      reply(501, 'Option not understood.');
    },
  },
  HELP: {
    auth: false,
    help: 'HELP [<sp> command]',
    handler({ commands, arg, reply }) {
      const verb = arg.trim().toUpperCase();
      if (!verb) return reply(214, helpText(commands));
      const spec = commands.get(verb);
      if (!spec) return reply(502, `Unknown command ${verb}.`);
      reply(214, `Syntax: ${spec.help}`);
    },
  },
  STAT: {
    duringTransfer: true,
    help: 'STAT [<sp> pathname]',
    async handler({ session, arg, reply, signal }) {
      if (!arg.trim() || session.transfer) return reply(211, serverStatus(session));
      reply(213, await statPath(session, arg, signal));
    },
  },
};
