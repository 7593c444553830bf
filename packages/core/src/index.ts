/**
 * @ftpkit/core: an embeddable FTP/FTPS server for Node.js.
 *
 * Create an {@link FtpServer} with an `authenticate` hook that returns each user's
 * {@link FileSystem}, add middleware or commands, and call `listen()`.
 */
export { FtpServer, type CloseOptions } from './server.js';
export { startCluster, passiveSlice, type ClusterHandle, type ClusterOptions, type WorkerSetup } from './cluster.js';
export type { Session, SessionUser } from './session-view.js';
export type { FtpServerOptions, PortRange } from './options.js';
export { FULL_ACCESS, NO_ACCESS, READ_ONLY, WRITE_ONLY, type Permissions } from './permissions/presets.js';
export type { AuthRequest, AuthResult } from './hooks/authenticate.js';
export type {
  PemInput,
  TlsCertificate,
  TlsOptions,
  VirtualHost,
} from './tls/options.js';
export type { TlsPolicy } from './tls/requirements.js';
export type {
  BeforeLoginHook,
  ConnectionDecision,
  ConnectionHook,
  ConnectionInfo,
  FileTransferCommand,
  FinishedTransfer,
  LoginAttempt,
  LoginPolicy,
  TransferHook,
  TransferPlanChange,
  TransferRequest,
  TransferVerdict,
} from './hooks/types.js';
export type { FtpServerEvents, TransferEvent } from './events.js';
export type { Defender, DefenderOptions, AddressBannedEvent, Ban } from './security/defender.js';
export {
  ADMIN_CLOSE_REASON,
  localAdmin,
  snapshotSession,
  type BanSnapshot,
  type ServerAdmin,
  type SessionSnapshot,
  type TransferSnapshot,
} from './admin.js';
export { fleetAdmin, type FleetAdmin, type FleetAdminOptions } from './admin-fleet.js';
export { CidrList, parseCidr, type Cidr } from './security/cidr.js';
export type { ClientPeer, ProxyProtocolOptions } from './net/client-address.js';
export {
  parseProxyHeader,
  ProxyProtocolError,
  type ParsedProxyHeader,
  type ProxyEndpoint,
  type ProxyHeader,
  type ProxyTlv,
} from './net/proxy-protocol.js';
export { readProxyHeader } from './net/proxy-reader.js';
export type {
  ArgumentRule,
  CommandContext,
  CommandMiddleware,
  CommandSpec,
  SentReply,
} from './commands/types.js';
export type { ActiveTransfer, TransferDirection, TransferResult, TransferStatus } from './data/transfer.js';
export { ReplyError, isReplyError } from './protocol/reply-error.js';
export { AuthError, isAuthError } from './hooks/auth-error.js';
export type {
  FileSystem,
  FileStat,
  FileType,
  FsCapabilities,
  OperationOptions,
  ReadOptions,
  ReadStream,
  WriteOptions,
} from './fs/filesystem.js';
export { FsError, isFsError, replyForError, type FsErrorCode } from './fs/errors.js';
export { ERRNO_CODES, destroyOnAbort, errnoOf, fsErrorFromErrno, throwIfAborted } from './fs/toolkit.js';
export {
  directReceiveOf,
  directSendOf,
  offerDirectReceive,
  offerDirectSend,
  type DirectReceive,
  type DirectSend,
  type DirectTransferOptions,
} from './fs/direct-transfer.js';
export { HASH_ALGORITHMS, createDigest, type Digest, type HashAlgorithm, type HashOptions } from './fs/hash.js';
export { resolvePath, parentPath, baseName, joinPath } from './fs/paths.js';
export { formatFtpTime, parseFtpTime, formatListLine } from './fs/list-format.js';
export { SharedSchedule, type ScheduledTask } from './fs/shared-schedule.js';
export type { Logger } from './logging.js';
export { TokenBucket, type BandwidthBucket, type TokenBucketOptions } from './limits/token-bucket.js';
export { SharedTokenBucket, type SharedTokenBucketOptions } from './limits/shared-bucket.js';
export { StorageQuota, QuotaReservation, measureUsage, type StorageQuotaOptions } from './limits/storage-quota.js';
export { limitFileSystem, type FileSystemLimits } from './limits/limited-fs.js';
export type { StateStore, QuotaUsage } from './state/store.js';
export { MemoryStateStore, type MemoryStateStoreOptions } from './state/memory-store.js';
export { IpcStateStore, serveStateStore, type IpcChannel, type IpcPeer } from './state/ipc-store.js';
export { StateUnavailableError, type StateFailurePolicy } from './state/guarded-store.js';
export { PathRules, type PathRule } from './permissions/path-rules.js';
export { pathPermissions, type PathPolicy } from './permissions/path-middleware.js';
