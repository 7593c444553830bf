/**
 * Type-level tests of the public API: compiled by `tsc` (the core's build and
 * `types.test.ts`), never run. `Expect<Equal<…>>` pins a type exactly; each
 * `@ts-expect-error` line must stay an error, or tsc reports the directive as unused.
 */
import type { PeerCertificate } from 'node:tls';
import type { Transform } from 'node:stream';
import {
  AuthError,
  FtpServer,
  ReplyError,
  type AuthRequest,
  type AuthResult,
  type CommandContext,
  type CommandSpec,
  type ConnectionDecision,
  type FileSystem,
  type FileSystemLimits,
  type FinishedTransfer,
  type FtpServerOptions,
  type LoginPolicy,
  type OperationOptions,
  type Permissions,
  type SentReply,
  type Session,
  type TransferHook,
  type TransferResult,
  type TransferVerdict,
} from '@ftpkit/core';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
declare const fs: FileSystem;

// authenticate: what it receives and what it returns.
export type AuthRequestShape = Expect<
  Equal<
    AuthRequest,
    {
      username: string;
      password: string;
      anonymous: boolean;
      address: string;
      secure: boolean;
      certificate?: PeerCertificate;
      host?: string;
      session: Session;
    }
  >
>;
export type PermissionFlags = Expect<
  Equal<keyof Permissions, 'list' | 'read' | 'write' | 'append' | 'delete' | 'rename' | 'mkdir' | 'rmdir' | 'chmod' | 'setTime'>
>;
export type LimitsShape = Expect<Equal<AuthResult['limits'], FileSystemLimits | undefined>>;
export const result: AuthResult = { fs, home: '/home/a', permissions: { write: false }, limits: { maxFileSize: 1024 }, data: { id: 7 } };
// @ts-expect-error the file system is required
export const noFs: AuthResult = { home: '/' };
// Who closes `fs`: the core only when the login owns it.
export const owned: AuthResult = { fs, ownsFileSystem: true };
export type OwnsFlag = Expect<Equal<AuthResult['ownsFileSystem'], boolean | undefined>>;
// @ts-expect-error closeWrapped is gone: the wrapper closes what it wraps, under the same rule
export const closeWrapped: FileSystemLimits = { closeWrapped: false };
// Every FileSystem method takes the operation's options with its signal.
export type RenameOptions = Expect<Equal<Parameters<FileSystem['rename']>[2], OperationOptions | undefined>>;
export type MkdirOptions = Expect<Equal<Parameters<FileSystem['mkdir']>[1], OperationOptions | undefined>>;
export type RemoveOptions = Expect<Equal<Parameters<FileSystem['remove']>[1], OperationOptions | undefined>>;
export type ChmodOptions = Expect<Equal<Parameters<NonNullable<FileSystem['chmod']>>[2], OperationOptions | undefined>>;
export const syncAuth: FtpServerOptions['authenticate'] = () => ({ fs });
export const asyncAuth: FtpServerOptions['authenticate'] = async ({ password }) => {
  if (password === '') throw new AuthError('Empty password.');
  return { fs };
};

// beforeLogin and the connection hook.
export const policy: LoginPolicy = { requireTls: true };
export const beforeLogin: NonNullable<FtpServerOptions['beforeLogin']> = ({ username, secure }) =>
  username === 'admin' && !secure ? { requireTls: true } : undefined;
// @ts-expect-error requireTls is a boolean
export const badPolicy: LoginPolicy = { requireTls: 'yes' };
export const refuse: ConnectionDecision = { accept: false, message: 'Go away.' };
export const banner: ConnectionDecision = { accept: true, banner: ['Hello', 'there'] };
// @ts-expect-error a refused connection has no banner
export const refuseWithBanner: ConnectionDecision = { accept: false, banner: 'x' };

// Middleware: verb is read-only, arg is rewritable, replies are visible.
const server = new FtpServer({ authenticate: () => ({ fs }) });
server.use(async (ctx, next) => {
  ctx.arg = ctx.arg.trim();
  // @ts-expect-error the verb cannot be rewritten
  ctx.verb = 'RETR';
  await next();
  const replies: readonly SentReply[] = ctx.replies;
  void replies;
});
server.use(['STOR', 'RETR'], (ctx) => ctx.reply(550, 'No.'));
// @ts-expect-error a verb list needs a middleware
server.use(['STOR']);
export type ContextSession = Expect<Equal<CommandContext['session'], Session>>;
export type ContextSignal = Expect<Equal<CommandContext['signal'], AbortSignal>>;

// The session view is read-only and carries none of the engine's state.
declare const session: Session;
export const where: string = session.cwd;
// @ts-expect-error the working directory changes by CWD, not by assignment
session.cwd = '/elsewhere';
// @ts-expect-error the user changes by USER/PASS and REIN only
session.user = undefined;
// @ts-expect-error the server's internals are not part of the view
void session.server;
// @ts-expect-error nor is the state of the login (REST, RNFR, ...)
void session.restOffset;

// Custom commands share the built-ins' descriptor.
const spec: CommandSpec = { help: 'XPING', auth: false, arg: 'none', feat: 'XPING', handler: ({ reply }) => reply(200, 'PONG') };
server.addCommand('XPING', spec).addSiteCommand('PING', spec);
// @ts-expect-error help text is required
server.addCommand('XBAD', { handler: () => {} });
// @ts-expect-error the argument rule is one of none | optional | required
server.addCommand('XARG', { help: 'XARG', arg: 'maybe', handler: () => {} });

// Transfer hooks and the honest outcome.
export type Outcome = Expect<Equal<TransferResult['status'], 'completed' | 'aborted' | 'failed'>>;
export type OutcomeFields = Expect<Equal<Pick<TransferResult, 'bytes' | 'durationMs' | 'path'>, { bytes: number; durationMs: number; path: string }>>;
export type OutcomeError = Expect<Equal<TransferResult['error'], unknown>>;
export type FinishedOutcome = Expect<Equal<FinishedTransfer['outcome'], TransferResult>>;
declare const transform: Transform;
const hook: TransferHook = {
  direction: 'upload',
  before: ({ path }) => {
    if (path.endsWith('.exe')) throw new ReplyError(553, 'No executables.');
    return { path: `/incoming${path}` };
  },
  transform: () => transform,
  after: ({ outcome }): TransferVerdict => (outcome.status === 'completed' && outcome.bytes === 0 ? { reject: 'Empty file.', code: 550 } : undefined),
};
server.addTransferHook(hook);
// @ts-expect-error direction is upload or download
server.addTransferHook({ direction: 'sideways' });
// @ts-expect-error a verdict needs the rejection text
export const badVerdict: TransferVerdict = { remove: true };

// Typed events.
server.on('transfer-end', (event) => {
  const status: 'completed' | 'aborted' | 'failed' = event.result.status;
  void status;
});
server.on('login-failed', ({ username, reason }) => void `${username}${reason}`);
server.on('error', (error: Error, session?: Session) => void [error, session]);
// @ts-expect-error no such event
server.on('transfer-finished', () => {});
// @ts-expect-error 'login' passes a Session, not a string
server.on('login', (name: string) => void name);
