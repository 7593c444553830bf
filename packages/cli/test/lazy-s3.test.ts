// The program loads fs-s3, and with it the AWS SDK, only when S3 storage is configured:
// a resolve hook records every module the built program loads.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const bin = fileURLToPath(new URL('../bin/ftpkit.js', import.meta.url));

describe('start-up without S3', () => {
  let dir: string;
  let register: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ftpkit-lazy-s3-'));
    await writeFile(
      join(dir, 'hooks.mjs'),
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.FTPKIT_MODULE_LOG, result.url + '\\n');
  return result;
}
`,
    );
    register = join(dir, 'register.mjs');
    await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The URLs of the modules the program resolves for `args`. */
  async function modulesLoaded(args: string[]): Promise<string[]> {
    const log = join(dir, `modules-${args.join('_')}.log`);
    await writeFile(log, '');
    await promisify(execFile)(process.execPath, ['--import', pathToFileURL(register).href, bin, ...args], {
      env: { ...process.env, FTPKIT_MODULE_LOG: log },
    });
    return (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  }

  it('--version loads the other storages but neither fs-s3 nor the AWS SDK', async () => {
    const urls = await modulesLoaded(['--version']);
    assert.ok(urls.some((u) => u.includes('fs-memory')), 'the hook saw no module of the program');
    assert.deepEqual(urls.filter((u) => /fs-s3\/(dist|src)\/index|@aws-sdk|@smithy/.test(u)), []);
  });
});
