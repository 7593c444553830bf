export type {
  FileSystem,
  FileStat,
  FileType,
  FsCapabilities,
  OperationOptions,
  ReadOptions,
  WriteOptions,
} from './fs/filesystem.js';
export { FsError, isFsError, replyForError, type FsErrorCode } from './fs/errors.js';
export { resolvePath, parentPath, baseName, joinPath } from './fs/paths.js';
