/** FTPS verbs (RFC 4217, RFC 2228): AUTH, PBSZ, PROT, CCC. Registered only with the `tls` option. */
import { effectivePolicy } from '../tls/policy.js';
import type { EngineSpec } from './engine-types.js';

const MECHANISMS = new Set(['TLS', 'TLS-C', 'SSL']);

export const tlsCommands: Record<string, EngineSpec> = {
  AUTH: {
    auth: false,
    arg: 'required',
    help: 'AUTH <sp> TLS',
    feat: 'AUTH TLS',
    async handler({ session, arg, reply }) {
      const engine = session.server.tls!;
      const mechanism = arg.trim().toUpperCase();
      if (!MECHANISMS.has(mechanism)) return reply(504, 'Unsupported security mechanism; use AUTH TLS.');
      if (session.secure) return reply(503, 'The control connection is already TLS-protected.');
      if (session.user) return reply(503, 'AUTH TLS must come before login.');
      reply(234, `AUTH ${mechanism} ok, starting TLS.`);
      // Taken over in the same tick as the 234 is written: no plaintext byte after the
      // AUTH line is ever read as a command.
      const secured = engine.secureControl(session.socket, session.virtualHost);
      session.connection.replaceSocket(secured);
      // A failed handshake destroys the socket, which closes the session.
      if (!(await engine.handshake(secured).then(() => true, () => false))) return;
      session.connection.secure = true;
      session.login.pendingUser = undefined;
      session.pbszSet = false;
    },
  },
  PBSZ: {
    auth: false,
    arg: 'required',
    help: 'PBSZ <sp> 0',
    feat: 'PBSZ',
    handler({ session, arg, reply }) {
      if (!session.secure) return reply(503, 'PBSZ needs a TLS-protected control connection; use AUTH TLS first.');
      if (!/^\d+$/.test(arg.trim())) return reply(501, 'Syntax: PBSZ 0');
      session.pbszSet = true;
      // TLS is a stream protection: the only buffer size is 0 (RFC 4217 9).
      reply(200, 'PBSZ=0');
    },
  },
  PROT: {
    auth: false,
    arg: 'required',
    help: 'PROT <sp> C | P',
    feat: 'PROT',
    handler({ session, arg, reply }) {
      if (!session.secure || !session.pbszSet) return reply(503, 'PROT needs AUTH TLS and PBSZ first.');
      const level = arg.trim().toUpperCase();
      if (level === 'P') {
        session.protectData = true;
        return reply(200, 'Protection level set to Private.');
      }
      if (level === 'C') {
        if (effectivePolicy(session).requireProtectedData) return reply(534, 'PROT C refused: data connections must be protected.');
        session.protectData = false;
        return reply(200, 'Protection level set to Clear.');
      }
      if (level === 'S' || level === 'E') return reply(536, `PROT ${level} not supported by TLS; use PROT P or C.`);
      reply(504, 'Unknown protection level; use PROT P or C.');
    },
  },
  CCC: {
    auth: false,
    arg: 'none',
    help: 'CCC',
    handler: ({ reply }) => reply(534, 'CCC refused: the control connection stays TLS-protected.'),
  },
};
