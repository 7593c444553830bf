import { it } from 'node:test';
import type { TestContext } from 'node:test';
import type { FileSystem } from '@ftpkit/core';
import type { FileSystemFactory, ResolvedOptions } from './options.js';

/** A test body: gets a fresh, empty file system and the node:test context (to skip). */
export type TestBody = (fs: FileSystem, t: TestContext) => Promise<void>;

/** What each group of contract tests is given. */
export interface SuiteContext {
  readonly options: ResolvedOptions;
  /** Register one test that runs on its own fixture, disposed of afterwards. */
  test(name: string, body: TestBody): void;
}

export function createContext(factory: FileSystemFactory, options: ResolvedOptions): SuiteContext {
  return {
    options,
    test(name, body) {
      it(name, { timeout: options.timeout }, async (t) => {
        const fixture = await factory();
        try {
          await body(fixture.fs, t);
        } finally {
          await fixture.fs.close?.();
          await fixture.cleanup?.();
        }
      });
    },
  };
}
