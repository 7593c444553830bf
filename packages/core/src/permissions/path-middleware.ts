/**
 * The command middleware that enforces per-directory permissions: for every verb that
 * names a path it resolves the path, asks the session's {@link PathRules} what the user
 * may do there, and answers 550 before the handler runs when the command is not allowed.
 */
import { stripListFlags } from '../commands/listing.js';
import { stouBase } from '../commands/transfer.js';
import type { CommandContext, CommandMiddleware } from '../commands/types.js';
import { parentPath } from '../fs/paths.js';
import type { Permissions } from './presets.js';
import { runningTransfer } from '../session.js';
import type { Session } from '../session-view.js';
import type { PathRules } from './path-rules.js';

/** The rules in force for one session, and the user's permissions outside them. */
export interface PathPolicy {
  rules: PathRules;
  /** The user's own permissions, which the rules refine. */
  base: Readonly<Permissions>;
}

/** `enter`: CWD into a directory needs at least one permission there. */
type Need = keyof Permissions | 'enter';

/** Which permission a command needs, on which path (undefined: no path involved). */
function needOf(ctx: CommandContext): { need: Need; path: string } | undefined {
  const { session, arg } = ctx;
  const at = (need: Need, path: string) => ({ need, path: session.resolve(path) });
  switch (ctx.verb) {
    case 'RETR':
      return at('read', arg);
    case 'STOR':
      return at('write', arg);
    case 'APPE':
      return at('append', arg);
    case 'STOU':
      return { need: 'write', path: stouBase(session, arg) };
    case 'LIST':
    case 'NLST':
      return at('list', stripListFlags(arg));
    case 'MLSD':
    case 'MLST':
    case 'SIZE':
    case 'MDTM':
      return at('list', arg);
    case 'STAT':
      return arg.trim() && !runningTransfer(session) ? at('list', stripListFlags(arg)) : undefined;
    case 'DELE':
      return at('delete', arg);
    case 'MKD':
    case 'XMKD':
      return at('mkdir', arg);
    case 'RMD':
    case 'XRMD':
      return at('rmdir', arg);
    case 'RNFR':
    case 'RNTO':
      return at('rename', arg);
    case 'MFMT': {
      const space = arg.indexOf(' ');
      return space === -1 ? undefined : at('setTime', arg.slice(space + 1));
    }
    case 'SITE': {
      const chmod = /^CHMOD\s+[0-7]{1,4} (.+)$/i.exec(arg);
      return chmod ? at('chmod', chmod[1]!) : undefined;
    }
    case 'CWD':
    case 'XCWD':
      return at('enter', arg);
    case 'CDUP':
    case 'XCUP':
      return { need: 'enter', path: parentPath(session.cwd) };
    default:
      return undefined;
  }
}

function allowed(permissions: Permissions, need: Need): boolean {
  return need === 'enter' ? Object.values(permissions).some(Boolean) : permissions[need];
}

/**
 * Middleware enforcing per-directory permissions. `policyOf` returns the session's
 * policy (or undefined for a user without rules), e.g. from `session.user.data`.
 * Register it before any middleware that should only see permitted commands.
 */
export function pathPermissions(policyOf: (session: Session) => PathPolicy | undefined): CommandMiddleware {
  return (ctx, next) => {
    if (!ctx.session.user) return next();
    const policy = policyOf(ctx.session);
    if (!policy || policy.rules.empty) return next();
    const target = needOf(ctx);
    if (target && !allowed(policy.rules.resolve(target.path, policy.base), target.need)) {
      return ctx.reply(550, 'Permission denied.');
    }
    return next();
  };
}
