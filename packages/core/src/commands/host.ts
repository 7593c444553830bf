/** HOST (RFC 7151): choose a virtual host before login. Registered with `virtualHosts`. */
import { findVirtualHost, normalizeHostName } from '../tls/options.js';
import type { EngineSpec } from './engine-types.js';

export const hostCommands: Record<string, EngineSpec> = {
  HOST: {
    auth: false,
    arg: 'required',
    help: 'HOST <sp> host-name',
    feat: 'HOST',
    handler({ session, arg, reply }) {
      if (session.user || session.login.pendingUser !== undefined) return reply(503, 'HOST must come before USER.');
      const name = normalizeHostName(arg);
      const host = findVirtualHost(session.server.options.virtualHosts, name);
      if (!host) return reply(504, `Unknown host ${name}.`);
      session.login.virtualHost = name;
      reply(220, host.greeting ?? `Host ${name} ready.`);
    },
  },
};
