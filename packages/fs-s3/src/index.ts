export { S3FileSystem } from './s3-filesystem.js';
export type { S3FileSystemOptions } from './options.js';
export { S3_PRESETS, presetClientConfig, type S3Preset } from './presets.js';
