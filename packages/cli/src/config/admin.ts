/**
 * The admin listener's settings: its address from the flags or the file's `admin`
 * block, and its token from, in order, `--admin-token`, `--admin-token-file`, the
 * FTPKIT_ADMIN_TOKEN environment variable, `admin.tokenFile` and `admin.token`.
 */
import { readFileSync } from 'node:fs';
import { resolve as resolveFsPath } from 'node:path';
import { UsageError, type Flags } from '../args.js';
import type { JsonPath } from './json-source.js';
import type { FileConfig } from './types.js';

/** The admin API and dashboard, resolved. */
export interface AdminConfig {
  host: string;
  port: number;
  token: string;
}

/** Shortest token accepted: a guessable token would open the whole server. */
export const MIN_TOKEN_LENGTH = 16;

function readToken(file: string, where: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new UsageError(`cannot read ${where} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The admin settings, or undefined when no admin port is configured. */
export function adminOf(
  flags: Flags,
  file: FileConfig,
  baseDir: string,
  env: NodeJS.ProcessEnv,
  at: (path: JsonPath, message: string) => Error,
): AdminConfig | undefined {
  const port = flags.adminPort ?? file.admin?.port;
  if (port === undefined) {
    const stray = (['adminHost', 'adminToken', 'adminTokenFile'] as const).find((key) => flags[key] !== undefined);
    if (stray) throw new UsageError(`--${stray.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --admin-port`);
    return undefined;
  }
  const fromFile = file.admin;
  let token: string | undefined;
  let where = '--admin-token';
  if (flags.adminToken !== undefined) token = flags.adminToken;
  else if (flags.adminTokenFile !== undefined) [token, where] = [readToken(flags.adminTokenFile, '--admin-token-file'), '--admin-token-file'];
  else if (env.FTPKIT_ADMIN_TOKEN) [token, where] = [env.FTPKIT_ADMIN_TOKEN, 'FTPKIT_ADMIN_TOKEN'];
  else if (fromFile?.tokenFile !== undefined) [token, where] = [readToken(resolveFsPath(baseDir, fromFile.tokenFile), 'admin.tokenFile'), 'admin.tokenFile'];
  else if (fromFile?.token !== undefined) [token, where] = [fromFile.token, 'admin.token'];
  if (token === undefined) {
    const message = 'the admin API needs a token: --admin-token, --admin-token-file, FTPKIT_ADMIN_TOKEN, admin.token or admin.tokenFile';
    throw fromFile ? at(['admin'], message) : new UsageError(message);
  }
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    const message = `the admin token must be at least ${MIN_TOKEN_LENGTH} characters without spaces (try: openssl rand -hex 32)`;
    throw where === 'admin.token' ? at(['admin', 'token'], message) : new UsageError(`${where}: ${message}`);
  }
  return { host: flags.adminHost ?? fromFile?.host ?? '127.0.0.1', port, token };
}
