/**
 * Data channel setup: PASV, PORT (RFC 959), EPSV, EPRT (RFC 2428), with the RFC 2577
 * rules: active connections only to the client's own address and unprivileged ports,
 * passive connections only accepted from the client's address.
 */
import { isIP } from 'node:net';
import { ActiveChannel, PassiveChannel } from '../data/channel.js';
import { HostResolver } from '../data/host-resolver.js';
import { isReplyError, ReplyError } from '../protocol/reply-error.js';
import { formatPasvTuple, parseEprtArgument, parsePortArgument, type DataTarget } from '../security/address.js';
import type { ServerSession } from '../session.js';
import type { EngineSpec } from './engine-types.js';

async function openPassive(session: ServerSession): Promise<PassiveChannel> {
  const listener = await session.passiveListener().catch((err: unknown) => {
    throw isReplyError(err) ? err : new ReplyError(425, 'Cannot open passive connection: no free port.');
  });
  // PROT P: the TLS handshake starts when the client connects, as the client expects.
  const secure = session.protectData ? session.secureDataSocket : undefined;
  const channel = new PassiveChannel(
    listener,
    session.remoteAddress,
    (address) => session.server.emit('error', new Error(`refused data connection from ${address} (port stealing)`), session),
    secure && ((socket) => secure(socket)),
  );
  session.setDataChannel(channel);
  return channel;
}

/** Shared by every server of the process: DNS answers are the same for all. */
const publicHosts = new HostResolver();

/** The IPv4 address to advertise in a PASV reply. */
async function advertisedAddress(session: ServerSession): Promise<string> {
  const option = session.server.options.publicHost;
  const host = typeof option === 'function' ? await option(session) : (option ?? session.localAddress);
  if (isIP(host) === 4) return host;
  if (isIP(host) === 6) throw new ReplyError(425, 'PASV needs IPv4; use EPSV.');
  return publicHosts.resolve(host);
}

/** The port clients are told to connect to: the listening one, shifted by `passivePorts.advertisedOffset`. */
function advertisedPort(session: ServerSession, channel: PassiveChannel): number {
  return channel.port + (session.server.options.passivePorts?.advertisedOffset ?? 0);
}

function checkTarget(session: ServerSession, target: DataTarget): void {
  const { allowForeignDataAddress, allowLowDataPorts } = session.server.options;
  if (!allowForeignDataAddress && target.host !== session.remoteAddress) {
    throw new ReplyError(501, 'Rejected data connection to a foreign address.');
  }
  if (!allowLowDataPorts && target.port < 1024) {
    throw new ReplyError(501, 'Rejected data connection to a privileged port.');
  }
}

function family(address: string): '1' | '2' {
  return isIP(address) === 6 ? '2' : '1';
}

export const dataChannelCommands: Record<string, EngineSpec> = {
  PASV: {
    arg: 'none',
    help: 'PASV',
    async handler({ session, reply }) {
      if (session.login.epsvOnly) return reply(501, 'PASV not allowed after EPSV ALL.');
      const address = await advertisedAddress(session);
      const channel = await openPassive(session);
      reply(227, `Entering Passive Mode (${formatPasvTuple(address, advertisedPort(session, channel))}).`);
    },
  },
  EPSV: {
    help: 'EPSV [<sp> 1 | 2 | ALL]',
    feat: 'EPSV',
    async handler({ session, arg, reply }) {
      const value = arg.trim().toUpperCase();
      if (value === 'ALL') {
        session.login.epsvOnly = true;
        return reply(200, 'EPSV ALL ok.');
      }
      if (value !== '' && value !== '1' && value !== '2') return reply(501, 'Syntax: EPSV [1 | 2 | ALL]');
      if (value !== '' && value !== family(session.localAddress)) {
        return reply(522, `Network protocol not supported, use (${family(session.localAddress)}).`);
      }
      const channel = await openPassive(session);
      reply(229, `Entering Extended Passive Mode (|||${advertisedPort(session, channel)}|).`);
    },
  },
  PORT: {
    arg: 'required',
    help: 'PORT <sp> h1,h2,h3,h4,p1,p2',
    handler({ session, arg, reply }) {
      if (session.login.epsvOnly) return reply(501, 'PORT not allowed after EPSV ALL.');
      const target = parsePortArgument(arg);
      if (!target) return reply(501, 'Syntax: PORT h1,h2,h3,h4,p1,p2');
      checkTarget(session, target);
      session.setDataChannel(new ActiveChannel(target.host, target.port, session.localAddress, session.server.options.dataBufferSize));
      reply(200, 'PORT command successful. Consider using PASV.');
    },
  },
  EPRT: {
    arg: 'required',
    help: 'EPRT <sp> |proto|address|port|',
    feat: 'EPRT',
    handler({ session, arg, reply }) {
      if (session.login.epsvOnly) return reply(501, 'EPRT not allowed after EPSV ALL.');
      const target = parseEprtArgument(arg);
      if (!target) return reply(501, 'Syntax: EPRT |proto|address|port|');
      if (family(target.host) !== family(session.remoteAddress)) {
        return reply(522, `Network protocol not supported, use (${family(session.remoteAddress)}).`);
      }
      checkTarget(session, target);
      session.setDataChannel(new ActiveChannel(target.host, target.port, session.localAddress, session.server.options.dataBufferSize));
      reply(200, 'EPRT command successful. Consider using EPSV.');
    },
  },
};
