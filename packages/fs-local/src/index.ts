export {
  LocalFileSystem,
  type LocalFileSystemOptions,
  type UploadPolicy,
} from './local-filesystem.js';
