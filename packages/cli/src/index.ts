export { main, loadConfig, startFromConfig, type Running } from './main.js';
export { parseCommandLine, UsageError, USAGE, type Flags, type BackendConfig } from './args.js';
export { resolveConfig, type CliConfig, type UserConfig } from './config/resolve.js';
export { loadConfigFile, type LoadedConfig } from './config/file.js';
export type { FileConfig, TlsFileConfig, UserFileConfig, StorageFileConfig, PermissionsValue, SizeValue } from './config/types.js';
export { ConfigError } from './config/json-source.js';
export { hashPassword, verifyPassword } from './password.js';
