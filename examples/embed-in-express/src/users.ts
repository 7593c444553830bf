/** The user store both servers share: HTTP adds users, FTP logs them in. Passwords are scrypt-hashed. */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const derive = promisify(scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>;

interface StoredUser {
  salt: Buffer;
  key: Buffer;
}

export class UserStore {
  private readonly users = new Map<string, StoredUser>();

  /** Add a user; false when the name is taken. */
  async add(username: string, password: string): Promise<boolean> {
    if (this.users.has(username)) return false;
    const salt = randomBytes(16);
    this.users.set(username, { salt, key: await derive(password, salt, 32) });
    return true;
  }

  /** Whether `password` is this user's password. */
  async verify(username: string, password: string): Promise<boolean> {
    const user = this.users.get(username);
    if (!user) return false;
    const key = await derive(password, user.salt, 32);
    return timingSafeEqual(key, user.key);
  }

  /** The user names, sorted. */
  list(): string[] {
    return [...this.users.keys()].sort();
  }
}
