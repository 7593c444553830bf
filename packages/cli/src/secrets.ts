/**
 * Users whose passwords stay out of argv (where `ps` shows them): `--users-file FILE`
 * with one `NAME:PASSWORD` per line, and the `FTPKIT_USERS` environment variable with
 * `NAME:PASSWORD` entries separated by whitespace. A password may be an scrypt hash
 * from `ftpkit hash-password` or plain text; `#` starts a comment line in the file.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from './args.js';
import { isPasswordHash } from './password.js';

/** A user and how to check its password. */
export interface SecretUser {
  name: string;
  secret: { hash: string } | { plain: string };
}

/** `secret` as stored: a well-formed scrypt hash, else a plain password. */
export function secretOf(password: string): SecretUser['secret'] {
  return isPasswordHash(password) ? { hash: password } : { plain: password };
}

function entry(text: string, where: string): SecretUser {
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1 || /\s/.test(text.slice(0, colon))) {
    throw new UsageError(`${where}: must be NAME:PASSWORD, got "${text.slice(0, Math.max(colon, 0)) || text.slice(0, 20)}${colon > 0 ? ':…' : ''}"`);
  }
  return { name: text.slice(0, colon), secret: secretOf(text.slice(colon + 1)) };
}

/** The users of a `--users-file`: one per line, `#` comments and blank lines skipped. */
export function parseUsersFile(text: string, file: string): SecretUser[] {
  return text
    .split(/\r?\n/)
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line && !line.startsWith('#'))
    .map(({ line, number }) => entry(line, `${file}:${number}`));
}

/** The users of `FTPKIT_USERS`: entries separated by whitespace. */
export function parseUsersEnv(value: string): SecretUser[] {
  return value
    .split(/\s+/)
    .filter(Boolean)
    .map((text, index) => entry(text, `FTPKIT_USERS entry ${index + 1}`));
}

/**
 * Users from `usersFile` (if given) and `FTPKIT_USERS` (if set), read again on every
 * call so that SIGHUP picks up a changed file. A later definition of a name wins.
 */
export async function readSecretUsers(usersFile: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<SecretUser[]> {
  const users = env.FTPKIT_USERS ? parseUsersEnv(env.FTPKIT_USERS) : [];
  if (usersFile !== undefined) {
    let text: string;
    try {
      text = await readFile(usersFile, 'utf8');
    } catch (err) {
      throw new UsageError(`--users-file ${usersFile}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    users.push(...parseUsersFile(text, usersFile));
  }
  return [...new Map(users.map((u) => [u.name, u])).values()];
}
