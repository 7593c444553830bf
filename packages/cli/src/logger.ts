/** A small leveled logger writing one line per event to stderr. */
import type { LogLevel } from './args.js';

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

export function createLogger(level: LogLevel): Logger {
  const at = (name: Exclude<LogLevel, 'silent'>) => (message: string) => {
    if (RANK[level] >= RANK[name]) process.stderr.write(`${new Date().toISOString()} ${name} ${message}\n`);
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
