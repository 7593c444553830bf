/** The shapes a session exposes of its user and its running transfer. */
import type { ActiveTransfer } from './data/transfer.js';
import type { FileSystem } from './fs/filesystem.js';
import type { Permissions } from './options.js';

/** The logged-in user of a session. */
export interface SessionUser {
  /** The name the user logged in with. */
  readonly username: string;
  /** True for an anonymous login (`anonymous`/`ftp` with the `anonymous` option on). */
  readonly anonymous: boolean;
  /** The user's storage, as `authenticate` returned it (wrapped by any limits). */
  readonly fs: FileSystem;
  /** Whether the core closes `fs` when this login ends (`AuthResult.ownsFileSystem`). */
  readonly ownsFileSystem: boolean;
  /** What the user may do, as `authenticate` returned it (default full access). */
  readonly permissions: Readonly<Permissions>;
  /** Host data returned by `authenticate`. */
  readonly data: Record<string, unknown>;
}

/** A transfer in progress, with the controls the session needs. */
export interface RunningTransfer extends ActiveTransfer {
  /** Stop the transfer (ABOR, session end). */
  abort(): void;
  /** Settles once the transfer command has sent its final reply. */
  readonly done: Promise<void>;
}
