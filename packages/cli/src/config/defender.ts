/** The config file's `defender` block, as the server's `defender` option. */
import { parseCidr, type DefenderOptions } from '@ftpkit/core';
import type { UsageError } from '../args.js';
import { combineProblems, type JsonPath } from './json-source.js';
import type { DefenderFileConfig } from './types.js';

/** The file's `defender` block as the server's option: seconds become milliseconds, CIDR blocks are checked. */
export function defenderOf(file: DefenderFileConfig, at: (path: JsonPath, message: string) => UsageError): DefenderOptions {
  const problems: UsageError[] = [];
  for (const list of ['allowList', 'denyList'] as const) {
    (file[list] ?? []).forEach((block, index) => {
      try {
        parseCidr(block);
      } catch {
        problems.push(at(['defender', list, index], `not a CIDR block (e.g. "10.0.0.0/8", "2001:db8::/32"): "${block}"`));
      }
    });
  }
  if (problems.length) throw combineProblems(problems);
  const ms = (seconds: number | undefined) => (seconds === undefined ? undefined : seconds * 1000);
  const options: DefenderOptions = {
    failedLoginDelay: ms(file.failedLoginDelay),
    maxLoginFailuresPerSession: file.maxLoginFailuresPerSession,
    banAfterFailures: file.banAfterFailures,
    banWindow: ms(file.banWindow),
    banDuration: ms(file.banDuration),
    maxBanDuration: ms(file.maxBanDuration),
    allowList: file.allowList,
    denyList: file.denyList,
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as DefenderOptions;
}
