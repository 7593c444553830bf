/**
 * The program's logger: pino, readable (pino-pretty) when stderr is a terminal and one
 * JSON object per line otherwise, for log collectors. The server writes its connection,
 * login, transfer and error records through it.
 */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from './args.js';

export type { Logger };

export function createLogger(level: LogLevel, terminal = process.stderr.isTTY === true): Logger {
  const options = { level, base: { pid: process.pid } };
  if (terminal) return pino(options, pretty({ destination: 2, sync: true, colorize: true, ignore: 'pid,hostname' }));
  return pino(options, pino.destination({ dest: 2, sync: true }));
}
