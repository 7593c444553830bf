/**
 * The transfer log: one line per file transfer (RETR, STOR, APPE, STOU), appended to a
 * file. `xferlog` writes the wu-ftpd/vsftpd format that log tools already parse:
 *
 *   current-time transfer-time remote-host bytes filename transfer-type special-action
 *   direction access-mode username service auth-method auth-user-id completion-status
 *
 * (spaces in file names become `_`); `json` writes every field by name, including the
 * command, the duration in milliseconds and the outcome (completed, aborted, failed).
 */
import type { FtpServer, TransferEvent, TransferResult } from '@ftpkit/core';
import { createWriteStream } from 'node:fs';
import type { XferlogFormat } from './args.js';

type Finished = TransferEvent & { result: TransferResult };

const FILE_COMMANDS = new Set(['RETR', 'STOR', 'APPE', 'STOU']);
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `ctime(3)` style local time: `Thu Mar  4 08:12:30 2004`. */
function ctime(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2)} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`;
}

/** One record in the classic xferlog format. */
export function formatXferlogLine(t: Finished, end = new Date()): string {
  const user = t.session.user;
  return [
    ctime(end),
    Math.max(1, Math.round(t.result.durationMs / 1000)),
    t.session.remoteAddress,
    t.result.bytes,
    t.path.replace(/\s/g, '_'),
    t.session.transferType === 'A' ? 'a' : 'b',
    '_',
    t.direction === 'download' ? 'o' : 'i',
    user?.anonymous ? 'a' : 'r',
    user?.username ?? '-',
    'ftp',
    0,
    '*',
    t.result.status === 'completed' ? 'c' : 'i',
  ].join(' ');
}

/** One record as a JSON line. */
export function formatJsonLine(t: Finished, end = new Date()): string {
  return JSON.stringify({
    time: end.toISOString(),
    user: t.session.user?.username ?? null,
    address: t.session.remoteAddress,
    command: t.command,
    path: t.path,
    direction: t.direction,
    bytes: t.result.bytes,
    durationMs: t.result.durationMs,
    status: t.result.status,
    reply: t.result.reply.code,
  });
}

/**
 * Append a record for every file transfer of `server` to `file`. The file is opened for
 * appending (rotate it with copytruncate) and closed when the server closes.
 */
export function attachXferlog(server: FtpServer, file: string, format: XferlogFormat): Promise<void> {
  const out = createWriteStream(file, { flags: 'a' });
  const formatLine = format === 'json' ? formatJsonLine : formatXferlogLine;
  server.on('transfer-end', (t) => {
    if (FILE_COMMANDS.has(t.command)) out.write(`${formatLine(t)}\n`);
  });
  server.once('close', () => out.end());
  return new Promise((resolve, reject) => {
    // A file that cannot be opened is the caller's one-line startup error; only later
    // write errors are the server's to report.
    out.once('error', reject);
    out.once('open', () => {
      out.off('error', reject);
      out.on('error', (err) => server.emit('error', new Error(`xferlog ${file}: ${err.message}`)));
      resolve();
    });
  });
}
