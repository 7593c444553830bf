/** Working directory: CWD, CDUP, PWD and their RFC 775 X-aliases. */
import { isFsError } from '../fs/errors.js';
import { parentPath, quotePath } from '../fs/paths.js';
import { ReplyError } from '../protocol/reply-error.js';
import type { ServerSession } from '../session.js';
import type { EngineSpec } from './engine-types.js';

async function changeDirectory(session: ServerSession, target: string, signal: AbortSignal): Promise<void> {
  const user = session.requirePermission('list');
  // A missing target is the client's mistake (550); any other failure is answered like
  // every other verb's (450 for Unavailable, 451 and an 'error' event for a raw error).
  const stat = await user.fs.stat(target, { signal }).catch((err: unknown) => {
    if (isFsError(err, 'NotFound') || isFsError(err, 'NotADirectory')) return undefined;
    throw err;
  });
  if (!stat || stat.type === 'file') throw new ReplyError(550, 'Failed to change directory.');
  session.login.cwd = target;
}

const CWD: EngineSpec = {
  arg: 'required',
  help: 'CWD <sp> pathname',
  // RFC 3659 section 6: one tree, "/" separators, absolute paths from its root, as
  // resolvePath implements for every path argument.
  feat: 'TVFS',
  async handler({ session, arg, reply, signal }) {
    await changeDirectory(session, session.resolve(arg), signal);
    reply(250, 'Directory successfully changed.');
  },
};

const CDUP: EngineSpec = {
  arg: 'none',
  help: 'CDUP',
  async handler({ session, reply, signal }) {
    await changeDirectory(session, parentPath(session.cwd), signal);
    reply(250, 'Directory successfully changed.');
  },
};

const PWD: EngineSpec = {
  arg: 'none',
  help: 'PWD',
  handler: ({ session, reply }) => reply(257, `${quotePath(session.cwd)} is the current directory.`),
};

export const navigationCommands: Record<string, EngineSpec> = {
  CWD,
  XCWD: CWD,
  CDUP,
  XCUP: CDUP,
  PWD,
  XPWD: PWD,
};
