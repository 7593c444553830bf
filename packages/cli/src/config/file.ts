/** Reads and checks `ftpkit.json`. */
import { readFile } from 'node:fs/promises';
import { ConfigError, JsonSource } from './json-source.js';
import type { FileConfig } from './types.js';
import { validateConfig } from './validate.js';

/** A checked config file, with its source for line numbers in later errors. */
export interface LoadedConfig {
  config: FileConfig;
  source: JsonSource;
}

/** Read `file`, parse it and check it against the schema; throws `ConfigError`. */
export async function loadConfigFile(file: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const source = new JsonSource(file, text);
  return { config: validateConfig(source), source };
}
