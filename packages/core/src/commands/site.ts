/** SITE and its subcommands (HELP, CHMOD); hosts add their own through the registry. */
import { runSpec } from './dispatch.js';
import type { EngineSpec } from './engine-types.js';

export const SITE: EngineSpec = {
  // Each subcommand declares its own login rule (SITE HELP works before login).
  auth: false,
  arg: 'required',
  help: 'SITE <sp> command [<sp> arguments]',
  async handler(ctx) {
    const space = ctx.arg.indexOf(' ');
    const name = (space === -1 ? ctx.arg : ctx.arg.slice(0, space)).toUpperCase();
    const spec = ctx.commands.getSite(name);
    if (!spec) {
      ctx.session.requireUser();
      return ctx.reply(501, `Unknown SITE command ${name}.`);
    }
    const subArg = space === -1 ? '' : ctx.arg.slice(space + 1);
    await runSpec({ ...ctx, arg: subArg }, spec, subArg);
  },
};

export const siteCommands: Record<string, EngineSpec> = {
  HELP: {
    auth: false,
    help: 'SITE HELP [<sp> command]',
    handler({ commands: registry, arg, reply }) {
      const name = arg.trim().toUpperCase();
      if (name) {
        const spec = registry.getSite(name);
        return spec ? reply(214, `Syntax: ${spec.help}`) : reply(501, `Unknown SITE command ${name}.`);
      }
      reply(214, ['SITE commands:', ...registry.siteList().map((n) => ` ${n}`), 'Help OK.']);
    },
  },
  CHMOD: {
    arg: 'required',
    help: 'SITE CHMOD <sp> mode <sp> pathname',
    async handler({ session, arg, reply, signal }) {
      const user = session.requirePermission('chmod');
      if (!user.fs.chmod) return reply(502, 'SITE CHMOD is not supported by this file system.');
      const m = /^([0-7]{1,4}) (.+)$/.exec(arg);
      if (!m) return reply(501, 'Syntax: SITE CHMOD mode pathname');
      await user.fs.chmod(session.resolve(m[2]!), parseInt(m[1]!, 8), { signal });
      reply(200, 'SITE CHMOD command ok.');
    },
  },
};
