/**
 * @ftpkit/native: an optional Node-API addon for ftpkit's hot system-call paths. When
 * it is not built or is disabled (`FTPKIT_NATIVE=0`), {@link nativeStatus} says why and
 * its users keep their JavaScript paths.
 */
export { nativeStatus, type NativeStatus } from './load.js';
export { DirectoryReader, EntryField, ENTRY_FIELDS, type DirectoryBatch } from './directory.js';
export { canTransfer, receiveFile, sendFile, TransferRefusedError, transferStats, type ReceiveOptions, type TransferOptions, type TransferStats } from './transfer.js';
export { canOpenBeneath, openBeneath, openBeneathFile } from './lookup.js';
