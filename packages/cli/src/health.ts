/**
 * Liveness and readiness for orchestrators (Kubernetes probes, load balancer health
 * checks), served beside `/metrics`: `/healthz` answers 200 while the process runs its
 * event loop; `/readyz` answers 200 only when every readiness check passes (the FTP
 * listener is open, the storages answer, a configured state store answers) and 503 with
 * the failing checks otherwise.
 */
import type { FtpServer, FileSystem, StateStore } from '@ftpkit/core';

/** One thing the server needs in order to serve; `check` rejects when it is not there. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** The outcome of `/readyz`: `ok` when every check passed, and each check's result. */
export interface Readiness {
  ok: boolean;
  checks: Record<string, 'ok' | string>;
}

/** A check takes at most this long; a storage that hangs is as unready as one that fails. */
const CHECK_TIMEOUT_MS = 2000;

function withTimeout(work: Promise<void>, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Run every check at once; never rejects. */
export async function readiness(checks: readonly ReadinessCheck[]): Promise<Readiness> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        await withTimeout(check(), name);
        return [name, 'ok'] as const;
      } catch (err) {
        return [name, (err as Error).message || String(err)] as const;
      }
    }),
  );
  return { ok: results.every(([, result]) => result === 'ok'), checks: Object.fromEntries(results) };
}

/** The FTP listener is open. */
export function listeningCheck(server: FtpServer): ReadinessCheck {
  return {
    name: 'listening',
    check: async () => {
      if (!server.address) throw new Error('the FTP listener is not open');
    },
  };
}

/** A storage answers: its root can be stat'ed (a disk that vanished, a bucket out of reach fail). */
export function storageCheck(name: string, open: () => Promise<FileSystem>): ReadinessCheck {
  return {
    name,
    check: async () => {
      await (await open()).stat('/');
    },
  };
}

/** The shared state store (Redis) answers a read. */
export function stateCheck(store: StateStore): ReadinessCheck {
  return {
    name: 'state',
    check: async () => void (await store.get('readyz')),
  };
}
