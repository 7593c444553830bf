export { S3FileSystem } from './s3-filesystem.js';
export type { ResumableUploadOptions, S3FileSystemOptions } from './options.js';
export { S3_PRESETS, presetClientConfig, type S3Preset } from './presets.js';
export { DEFAULT_RESUME_TTL_MS, MemoryResumeStore, type ResumeStore } from './resume-store.js';
export { keptForResume, resumeRecordKey } from './resume.js';
