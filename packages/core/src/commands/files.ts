/**
 * File and directory operations: MKD, RMD, DELE, RNFR/RNTO (RFC 959), SIZE and MDTM
 * (RFC 3659), MFMT (draft-somers-ftp-mfxx), AVBL (draft-peterson-streamlined-ftp-command-extensions).
 */
import { formatFtpTime, parseFtpTime } from '../fs/list-format.js';
import { quotePath } from '../fs/paths.js';
import { ReplyError } from '../protocol/reply-error.js';
import type { EngineSpec } from './engine-types.js';

const MKD: EngineSpec = {
  arg: 'required',
  help: 'MKD <sp> pathname',
  async handler({ session, arg, reply, signal }) {
    const user = session.requirePermission('mkdir');
    const path = session.resolve(arg);
    if (path === '/') throw new ReplyError(550, 'Create directory operation failed.');
    await user.fs.mkdir(path, { signal });
    reply(257, `${quotePath(path)} created.`);
  },
};

const RMD: EngineSpec = {
  arg: 'required',
  help: 'RMD <sp> pathname',
  async handler({ session, arg, reply, signal }) {
    const user = session.requirePermission('rmdir');
    const path = session.resolve(arg);
    if (path === '/') throw new ReplyError(550, 'Cannot remove the root directory.');
    await user.fs.rmdir(path, { signal });
    reply(250, 'Remove directory operation successful.');
  },
};

export const fileCommands: Record<string, EngineSpec> = {
  MKD,
  XMKD: MKD,
  RMD,
  XRMD: RMD,
  DELE: {
    arg: 'required',
    help: 'DELE <sp> pathname',
    async handler({ session, arg, reply, signal }) {
      const user = session.requirePermission('delete');
      await user.fs.remove(session.resolve(arg), { signal });
      reply(250, 'Delete operation successful.');
    },
  },
  RNFR: {
    arg: 'required',
    help: 'RNFR <sp> pathname',
    async handler({ session, arg, reply, signal }) {
      const user = session.requirePermission('rename');
      const path = session.resolve(arg);
      if (path === '/') throw new ReplyError(550, 'Cannot rename the root directory.');
      await user.fs.stat(path, { signal });
      session.login.renameFrom = path;
      reply(350, 'Ready for RNTO.');
    },
  },
  RNTO: {
    arg: 'required',
    help: 'RNTO <sp> pathname',
    async handler({ session, arg, reply, signal }) {
      const user = session.requirePermission('rename');
      const from = session.login.renameFrom;
      session.login.renameFrom = undefined;
      if (!from) return reply(503, 'RNFR required first.');
      const to = session.resolve(arg);
      if (to === '/' || to.startsWith(`${from}/`)) throw new ReplyError(553, 'Cannot move a directory into itself.');
      await user.fs.rename(from, to, { signal });
      reply(250, 'Rename successful.');
    },
  },
  SIZE: {
    arg: 'required',
    help: 'SIZE <sp> pathname',
    feat: 'SIZE',
    async handler({ session, arg, reply, signal }) {
      const user = session.requirePermission('list');
      const stat = await user.fs.stat(session.resolve(arg), { signal });
      if (stat.type === 'directory') throw new ReplyError(550, 'Could not get file size: not a plain file.');
      reply(213, String(stat.size));
    },
  },
  MDTM: {
    arg: 'required',
    help: 'MDTM <sp> pathname',
    feat: 'MDTM',
    async handler({ session, arg, reply, signal }) {
      const user = session.requirePermission('list');
      const stat = await user.fs.stat(session.resolve(arg), { signal });
      if (stat.type === 'directory') throw new ReplyError(550, 'Could not get modification time: not a plain file.');
      reply(213, formatFtpTime(stat.mtime));
    },
  },
  AVBL: {
    help: 'AVBL [<sp> pathname]',
    feat: (session) => (!session.user || session.user.fs.availableSpace ? 'AVBL' : undefined),
    async handler({ session, arg, reply, signal }) {
      const user = session.requirePermission('list');
      if (!user.fs.availableSpace) return reply(502, 'AVBL is not supported by this file system.');
      const path = session.resolve(arg.trim() ? arg : '.');
      if ((await user.fs.stat(path, { signal })).type !== 'directory') throw new ReplyError(550, 'Not a directory.');
      const bytes = await user.fs.availableSpace(path, { signal });
      if (!Number.isFinite(bytes)) return reply(550, 'Available space is unknown.');
      reply(213, String(Math.max(0, Math.floor(bytes))));
    },
  },
  MFMT: {
    arg: 'required',
    help: 'MFMT <sp> YYYYMMDDHHMMSS <sp> pathname',
    feat: (session) => (!session.user || session.user.fs.setTimes ? 'MFMT' : undefined),
    async handler({ session, arg, reply, signal }) {
      const user = session.requirePermission('setTime');
      if (!user.fs.setTimes) return reply(502, 'MFMT is not supported by this file system.');
      const space = arg.indexOf(' ');
      const time = parseFtpTime(space === -1 ? arg : arg.slice(0, space));
      if (space === -1 || !time) return reply(501, 'Syntax: MFMT YYYYMMDDHHMMSS pathname');
      const path = session.resolve(arg.slice(space + 1));
      await user.fs.setTimes(path, time, { signal });
      reply(213, `Modify=${formatFtpTime(time)}; ${path}`);
    },
  },
};

