/**
 * The command middleware chain: host middleware in registration order, then the
 * command itself. Kept apart from dispatch so the ordering rules live in one place.
 */
import type { CommandContext, CommandMiddleware } from '../commands/types.js';

/** Limit a middleware to some verbs (case-insensitive); other commands pass through. */
export function scopeToVerbs(verbs: string | readonly string[], middleware: CommandMiddleware): CommandMiddleware {
  const wanted = new Set((typeof verbs === 'string' ? [verbs] : verbs).map((v) => v.toUpperCase()));
  return (ctx, next) => (wanted.has(ctx.verb) ? middleware(ctx, next) : next());
}

/**
 * Run `chain` around `command`. Each middleware gets a `next()` that runs the rest of
 * the chain once; calling it twice is a bug in the middleware and rejects.
 */
export function runChain<C extends CommandContext>(
  chain: readonly CommandMiddleware[],
  ctx: C,
  command: (ctx: C) => Promise<void>,
): Promise<void> {
  // Without middleware the command runs directly: no closure, no promise of the chain's own.
  if (chain.length === 0) return command(ctx);
  const run = async (index: number): Promise<void> => {
    const middleware = chain[index];
    if (!middleware) return command(ctx);
    let called = false;
    await middleware(ctx, () => {
      if (called) return Promise.reject(new Error('Command middleware called next() more than once'));
      called = true;
      return run(index + 1);
    });
  };
  return run(0);
}

/** Whether the command has sent its final (non-1xx) reply. */
export function answered(ctx: CommandContext): boolean {
  return ctx.replies.some((r) => r.code >= 200);
}
