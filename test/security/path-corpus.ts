/**
 * Traversal and injection attempts for the path-safety tests, and a driver that sends
 * each one through every command that takes a path.
 */
import type { Socket } from 'node:net';
import { RawClient, collect, type Reply } from '../support/raw-client.js';

/** Name and content of the files planted outside the served root. */
export const SECRET_NAME = 'TOPSECRET.txt';
export const SECRET_CONTENT = 'TOP SECRET '.repeat(2849) + 'x'; // 31,340 bytes: a telltale SIZE
/** What every upload in the attack sends, to find where uploads landed. */
export const MARKER = 'PLANTED-BY-PATH-ATTACK';

/** The attempts; `outside` is the host directory holding the planted secret. */
export function pathCorpus(outside: string): string[] {
  const s = SECRET_NAME;
  return [
    // Plain and nested traversal.
    `../${s}`, `../../${s}`, `../outside/${s}`, `/../${s}`, '/../../../../../../etc/passwd', `./../${s}`,
    `sub/./../../${s}`, `sub/../../../outside/${s}`, `.../${s}`, `....//${s}`, `..../${s}`, '../', '..',
    // Backslashes and mixed separators.
    `..\\${s}`, `..\\..\\${s}`, `\\..\\${s}`, `sub\\..\\..\\${s}`, `..\\/..\\/${s}`, `/..\\../${s}`,
    // Encoded dots and separators (must be taken literally, never decoded).
    `%2e%2e/${s}`, `%2e%2e%2f${s}`, `..%2f${s}`, `%252e%252e/${s}`, `..%5c${s}`, `%c0%ae%c0%ae/${s}`, `%uff0e%uff0e/${s}`,
    // Unicode look-alikes of dot, slash and backslash.
    `\uff0e\uff0e\uff0f${s}`, `\uff0e\uff0e/${s}`, `\u2024\u2024/${s}`, `\u2025/${s}`, `..\u2215${s}`, `..\u2044${s}`,
    `\uff0e\uff0e\uff3c${s}`, `..\u29f5${s}`, `.\u0307./${s}`,
    // NUL truncation.
    'inside.txt\0.jpg', `../${s}\0`, `sub/\0../${s}`,
    // Absolute host paths, other platforms' forms, schemes.
    '/etc/passwd', '/etc/shadow', '/proc/self/environ', '/proc/self/cwd/package.json', `${outside}/${s}`, outside,
    'C:\\Windows\\win.ini', 'C:/boot.ini', `c:..\\${s}`, '\\\\server\\share\\x', 'file:///etc/passwd', '\\\\?\\C:\\x',
    // Very long paths.
    'a'.repeat(5000), `${'../'.repeat(1500)}${s}`, 'x/'.repeat(2100),
    // CR/LF: the line ends there, the rest is a separate (harmless, in-root) command.
    'ok-name\r\nMKD injected-dir', 'new\nfile', 'new\rfile', 'tab\tname',
    // Home and glob and shell syntax (never expanded).
    '~', `~/${s}`, '~root/.ssh/authorized_keys', `//${s}`, `//../${s}`, '///etc///passwd', `../*`, '*', `{..,.}/${s}`,
    '$HOME', '`id`', '$(id)', '|cat /etc/passwd', ';ls', ` ../${s}`, `../${s} `, '-a ../',
    // A symbolic link planted inside the root that points outside it (local backend).
    `link/${s}`, 'link', `link/../${s}`, 'link/',
  ];
}

/** Commands that take a path; the transfer ones get a data connection first. */
export const PATH_VERBS = ['CWD', 'RETR', 'STOR', 'APPE', 'MKD', 'RMD', 'DELE', 'RNFR', 'RNTO', 'LIST', 'NLST', 'MLSD', 'MLST', 'SIZE', 'MDTM', 'STAT'];
const TRANSFER_VERBS = new Set(['RETR', 'STOR', 'APPE', 'LIST', 'NLST', 'MLSD']);
const SYNC = 'HELP SYST';

export interface Attempt {
  verb: string;
  path: string;
  replies: Reply[];
  /** What came over the data connection, if any. */
  data: string;
  /** The working directory afterwards (for CWD). */
  pwd?: string;
}

/** Send one command and gather every reply up to a sync marker (HELP is queued after transfers). */
async function exchange(client: RawClient, line: string): Promise<Reply[]> {
  client.write(`${line}\r\n${SYNC}\r\n`);
  const replies: Reply[] = [];
  for (;;) {
    const reply = await client.read(10_000);
    if (reply.code === 214 && reply.text.includes('Syntax: SYST')) return replies;
    replies.push(reply);
  }
}

/** Run every attempt through every path verb on a logged-in session. */
export async function attack(port: number, corpus: readonly string[]): Promise<Attempt[]> {
  const { client } = await RawClient.connect(port);
  await client.login();
  await client.send('TYPE I');
  const attempts: Attempt[] = [];
  for (const path of corpus) {
    for (const verb of PATH_VERBS) {
      await client.send('CWD /');
      if (verb === 'RNTO') {
        await upload(client, 'victim.txt');
        await client.send('RNFR victim.txt');
      }
      let data: Socket | undefined;
      let received: Promise<Buffer> = Promise.resolve(Buffer.alloc(0));
      if (TRANSFER_VERBS.has(verb)) {
        data = await client.passive();
        received = collect(data).catch(() => Buffer.alloc(0));
        if (verb === 'STOR' || verb === 'APPE') data.end(MARKER);
      }
      const replies = await exchange(client, `${verb} ${path}`);
      data?.destroy();
      const attempt: Attempt = { verb, path, replies, data: (await received).toString('latin1') };
      if (verb === 'CWD') attempt.pwd = (await client.send('PWD')).text;
      attempts.push(attempt);
    }
  }
  client.close();
  return attempts;
}

async function upload(client: RawClient, name: string): Promise<void> {
  const data = await client.passive();
  data.end(MARKER);
  await exchange(client, `STOR ${name}`);
  data.destroy();
}
