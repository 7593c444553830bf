export { S3FileSystem } from './s3-filesystem.js';
export type { S3FileSystemOptions } from './options.js';
