/** The running transfer, as the session holds it. */
import type { ActiveTransfer } from './data/transfer.js';

/** @internal A transfer in progress, with the controls the session needs. */
export interface RunningTransfer extends ActiveTransfer {
  /** Stop the transfer (ABOR, session end). */
  abort(): void;
  /** Settles once the transfer command has sent its final reply. */
  readonly done: Promise<void>;
}
