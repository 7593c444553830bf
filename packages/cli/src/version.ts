/** The program's version, from its own package.json (so a release bump is the only edit). */
import { readFileSync } from 'node:fs';

/** `@ftpkit/cli`'s version, e.g. `0.1.0`. */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
