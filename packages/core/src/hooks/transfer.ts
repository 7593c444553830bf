/**
 * Running the transfer hooks of file transfers: `before` (veto, redirect), `transform`
 * (streams on the bytes) and `after` (the outcome, and a verdict on it that decides
 * the final reply). Each step runs the hooks in registration order.
 */
import type { Transform } from 'node:stream';
import type { TransferDirection, TransferResult } from '../data/transfer.js';
import { toError } from '../errors.js';
import { isFsError } from '../fs/errors.js';
import { isReplyError, ReplyError } from '../protocol/reply-error.js';
import type { ServerSession } from '../session.js';
import type { FileTransferCommand, TransferHook, TransferRequest } from './types.js';

/** @internal A transfer request as the engine carries it: the hooks' view, with the engine's session. */
export interface EngineTransferRequest extends TransferRequest {
  readonly session: ServerSession;
}

function hooksFor(session: ServerSession, direction: TransferDirection): TransferHook[] {
  return session.server.transferHooks.filter((hook) => !hook.direction || hook.direction === direction);
}

/**
 * Run the `before` hooks of a transfer about to start. Resolves with the request to
 * carry out (its path possibly redirected); a hook's `ReplyError` vetoes it.
 */
export async function beforeTransfer(
  session: ServerSession,
  command: FileTransferCommand,
  direction: TransferDirection,
  path: string,
  offset: number,
): Promise<EngineTransferRequest> {
  let request: EngineTransferRequest = { session, command, direction, path, offset };
  for (const hook of hooksFor(session, direction)) {
    const change = await hook.before?.(request);
    if (change?.path) request = { ...request, path: session.resolve(change.path) };
  }
  return request;
}

/** The transform streams the hooks want on this transfer's bytes, in order. */
export async function transferTransforms(request: EngineTransferRequest): Promise<Transform[]> {
  const transforms: Transform[] = [];
  for (const hook of hooksFor(request.session, request.direction)) {
    const transform = await hook.transform?.(request);
    if (transform) transforms.push(transform);
  }
  return transforms;
}

/**
 * Run the `after` hooks on a finished transfer and return the outcome to answer with.
 * Each hook sees the outcome as the hooks before it left it. A completed transfer that
 * a hook rejects, or throws on, becomes 'failed' with the hook's reply (451 for an
 * error that is not a ReplyError); such an upload is removed.
 */
export async function afterTransfer(request: EngineTransferRequest, result: TransferResult): Promise<TransferResult> {
  const { session } = request;
  let outcome = result;
  let remove = false;
  for (const hook of hooksFor(session, request.direction)) {
    if (!hook.after) continue;
    try {
      const verdict = await hook.after({ ...request, outcome });
      if (!verdict) continue;
      if (request.direction === 'upload' && verdict.remove !== false) remove = true;
      if (outcome.status === 'completed') outcome = refused(outcome, new ReplyError(replyCode(verdict.code), verdict.reject));
    } catch (err) {
      if (!isReplyError(err)) session.server.emit('error', toError(err), session);
      if (outcome.status !== 'completed') continue;
      // The hook did not finish what the upload needed (a scan, a move): the client is
      // told the upload failed, so the file must not stay behind as if it had been taken.
      if (request.direction === 'upload') remove = true;
      outcome = refused(outcome, isReplyError(err) ? err : new ReplyError(451, 'Transfer done, but processing it failed.'));
    }
  }
  if (remove) await removeQuietly(session, request.path);
  return outcome;
}

function replyCode(code: number | undefined): number {
  return code !== undefined && code >= 400 && code < 600 ? code : 550;
}

function refused(outcome: TransferResult, error: ReplyError): TransferResult {
  return { ...outcome, status: 'failed', error, reply: { code: error.code, text: error.message } };
}

/**
 * Remove a rejected upload; already gone (moved by the hook) is fine. The one call made
 * without the command's signal: cleanup must finish after an ABOR or a vanished client.
 */
async function removeQuietly(session: ServerSession, path: string): Promise<void> {
  try {
    await session.user?.fs.remove(path, {});
  } catch (err) {
    if (!isFsError(err, 'NotFound')) session.server.emit('error', toError(err), session);
  }
}
