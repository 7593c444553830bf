/**
 * The users of the `ftpkit` program: checks logins against the configured users and
 * gives each session its file system with the user's root, permissions, per-directory
 * rules, quota and bandwidth limits.
 */
import {
  AuthError,
  limitFileSystem,
  measureUsage,
  PathRules,
  READ_ONLY,
  SharedTokenBucket,
  StorageQuota,
  TokenBucket,
  type AuthRequest,
  type AuthResult,
  type FileSystem,
  type PathPolicy,
  type Permissions,
  type Session,
  type StateStore,
} from '@ftpkit/core';
import { timingSafeEqual } from 'node:crypto';
import type { Storages } from './backend.js';
import type { CliConfig, UserConfig } from './config/resolve.js';
import { hashPassword, verifyPassword } from './password.js';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function both(a: Permissions, b: Readonly<Permissions>): Permissions {
  return Object.fromEntries(Object.entries(a).map(([flag, on]) => [flag, on && b[flag as keyof Permissions]])) as unknown as Permissions;
}

/** What is kept per user for the life of the server. */
interface UserState {
  config: UserConfig;
  rules: PathRules;
  /** Shared by every session of the user, on every node sharing the state store. */
  uploadBucket?: SharedTokenBucket;
  downloadBucket?: SharedTokenBucket;
  quota?: Promise<StorageQuota>;
}

/** The configured users: checks logins and builds each session's file system and rules. */
export class UserDirectory {
  private readonly users = new Map<string, UserState>();
  private readonly policies = new WeakMap<Session, PathPolicy>();
  /** Checked for unknown names too, so that they take as long as known ones. */
  private readonly decoy = hashPassword('ftpkit decoy');

  /**
   * @param state the server's state store (`server.state`): per-user buckets and quotas
   *   live there, so with a shared store they hold across every node and worker
   * @param leaseTtl how long an upload's quota reservation outlives a dead node
   */
  constructor(
    private readonly config: CliConfig,
    private readonly storages: Storages,
    private readonly state: StateStore,
    private readonly leaseTtl?: number,
  ) {
    this.replaceUsers(config.users);
  }

  /**
   * Serve `users` from now on (SIGHUP): later logins see the new list, sessions already
   * logged in keep what they were given. A user whose settings did not change keeps
   * its shared state (bandwidth buckets, measured quota).
   */
  replaceUsers(users: readonly UserConfig[]): void {
    const previous = new Map(this.users);
    this.users.clear();
    for (const user of users) {
      const kept = previous.get(user.name);
      if (kept && JSON.stringify(kept.config) === JSON.stringify(user)) {
        this.users.set(user.name, kept);
        continue;
      }
      const { upload, download } = user.bandwidth;
      const shared = (bytesPerSecond: number, direction: string) => new SharedTokenBucket({ bytesPerSecond, state: this.state, key: `${user.name}:${direction}` });
      this.users.set(user.name, {
        config: user,
        rules: new PathRules(user.rules),
        ...(upload ? { uploadBucket: shared(upload, 'upload') } : {}),
        ...(download ? { downloadBucket: shared(download, 'download') } : {}),
      });
    }
  }

  /** The per-directory rules of a logged-in session, for the `pathPermissions` middleware. */
  policyOf = (session: Session): PathPolicy | undefined => this.policies.get(session);

  /** The server's `authenticate` hook. */
  authenticate = async ({ username, password, anonymous, session }: AuthRequest): Promise<AuthResult> => {
    if (anonymous) return { fs: await this.storages.get(this.config.backend), permissions: READ_ONLY };
    const state = this.users.get(username);
    if (!state || !(await this.checkSecret(state.config, password))) throw new AuthError('Login incorrect.');
    const user = state.config;
    const fs = await this.storages.get(user.backend, user.root);
    const base = this.config.readOnly ? both(user.permissions, READ_ONLY) : user.permissions;
    const ceiling = state.rules.ceiling(base);
    this.policies.set(session, { rules: state.rules, base });
    return {
      fs: await this.limited(state, fs),
      permissions: this.config.readOnly ? both(ceiling, READ_ONLY) : ceiling,
      ...(user.home ? { home: user.home } : {}),
    };
  };

  private async checkSecret(user: UserConfig | undefined, password: string): Promise<boolean> {
    if (!user) {
      await verifyPassword(await this.decoy, password);
      return false;
    }
    return 'hash' in user.secret ? verifyPassword(user.secret.hash, password) : sameSecret(user.secret.plain, password);
  }

  /** `fs` wrapped with the user's quota and bandwidth limits (streams pass straight through without any). */
  private async limited(state: UserState, fs: FileSystem): Promise<FileSystem> {
    const { quota, bandwidth } = state.config;
    const upload = [state.uploadBucket, bandwidth.sessionUpload ? new TokenBucket({ bytesPerSecond: bandwidth.sessionUpload }) : undefined];
    const download = [state.downloadBucket, bandwidth.sessionDownload ? new TokenBucket({ bytesPerSecond: bandwidth.sessionDownload }) : undefined];
    if (quota.maxBytes !== undefined) {
      // Measured once, at the user's first login on this node, then kept up to date by
      // every session; in a shared store the first node's figure wins.
      state.quota ??= measureUsage(fs).then(
        (usedBytes) =>
          new StorageQuota({
            maxBytes: quota.maxBytes!,
            usedBytes,
            state: this.state,
            key: state.config.name,
            ...(this.leaseTtl !== undefined ? { leaseTtl: this.leaseTtl } : {}),
          }),
        (err) => {
          state.quota = undefined; // measure again at the next login
          throw err;
        },
      );
    }
    const limits = {
      ...(state.quota ? { quota: await state.quota } : {}),
      ...(quota.maxFileSize !== undefined ? { maxFileSize: quota.maxFileSize } : {}),
      upload: upload.filter((b) => b !== undefined),
      download: download.filter((b) => b !== undefined),
    };
    // Shared by every session, so the results do not say the login owns it: the core never closes it.
    return limitFileSystem(fs, limits);
  }
}
