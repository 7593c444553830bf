/**
 * SIGHUP: read the settings again and apply what can change without a restart, the
 * users (config file, `--users-file`, `FTPKIT_USERS`) and the TLS certificate files.
 * A settings error is logged and the running settings stay; nothing is dropped.
 */
import type { FtpServer, Logger } from '@ftpkit/core';
import type { CliConfig } from './config/resolve.js';
import type { UserDirectory } from './users.js';

/** What a reload changes in one running server. */
export interface ReloadTarget {
  server: FtpServer;
  users: UserDirectory;
}

/** Apply `config`'s users and certificate to `target`; returns what changed, for the log. */
export function applyReload(target: ReloadTarget, config: CliConfig): { users: number; tls: boolean } {
  // The certificate first: a bad one rejects the whole reload, users included.
  if (config.tls) {
    const { certFile, keyFile, caFile } = config.tls;
    target.server.setSecureContext({ certFile, keyFile, ...(caFile ? { caFile } : {}) });
  }
  target.users.replaceUsers(config.users);
  return { users: config.users.length, tls: config.tls !== undefined };
}

/**
 * Reload on every SIGHUP: `load` reads the settings, `apply` puts them in force. Signals
 * arriving during a reload are folded into one more reload after it.
 */
export function reloadOnSighup(load: () => Promise<CliConfig>, apply: (config: CliConfig) => object | void, logger: Logger): () => void {
  let running: Promise<void> | undefined;
  let again = false;
  const reload = async (): Promise<void> => {
    try {
      const changed = apply(await load());
      logger.info({ ...(changed ?? {}) }, 'reloaded users and TLS certificates');
    } catch (err) {
      logger.error({ err: { message: (err as Error).message } }, `reload failed, keeping the running settings: ${(err as Error).message}`);
    }
  };
  const onSignal = () => {
    if (running) {
      again = true;
      return;
    }
    running = reload().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        onSignal();
      }
    });
  };
  process.on('SIGHUP', onSignal);
  return () => process.off('SIGHUP', onSignal);
}
