export { LocalFileSystem } from './local-filesystem.js';
export type { LocalFileSystemOptions, UploadPolicy } from './options.js';
