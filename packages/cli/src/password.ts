/**
 * scrypt password hashes in PHC string format: `$scrypt$ln=14,r=8,p=1$SALT$HASH`
 * (base64 without padding). The cost is stored in each hash, so it can be raised later
 * without invalidating the hashes already issued.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;
/** N = 2^14, r = 8: 16 MiB and some 50 ms per check on a current machine. */
const DEFAULT_COST = { ln: 14, r: 8, p: 1 };

function derive(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

function scryptOptions(ln: number, r: number, p: number): ScryptOptions {
  const N = 2 ** ln;
  return { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
}

/** Hash a password with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const { ln, r, p } = DEFAULT_COST;
  const salt = randomBytes(16);
  const key = await derive(password, salt, KEY_LENGTH, scryptOptions(ln, r, p));
  return `$scrypt$ln=${ln},r=${r},p=${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/** Whether `hash` is a well-formed hash made by {@link hashPassword}. */
export function isPasswordHash(hash: string): boolean {
  const m = FORMAT.exec(hash);
  return !!m && Number(m[1]) >= 10 && Number(m[1]) <= 20;
}

/** Check `password` against `hash` in constant time; false for a malformed hash. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  const m = FORMAT.exec(hash);
  if (!m || !isPasswordHash(hash)) return false;
  const expected = Buffer.from(m[5]!, 'base64url');
  const key = await derive(password, Buffer.from(m[4]!, 'base64url'), expected.length, scryptOptions(Number(m[1]), Number(m[2]), Number(m[3])));
  return key.length === expected.length && timingSafeEqual(key, expected);
}
