export { main, loadConfig, startFromConfig, type Running } from './main.js';
export { parseCommandLine, UsageError, USAGE, type Flags, type BackendConfig } from './args.js';
export { resolveConfig, type CliConfig, type UserConfig } from './config/resolve.js';
export { loadConfigFile, type LoadedConfig } from './config/file.js';
export type { DefenderFileConfig, FileConfig, TlsFileConfig, UserFileConfig, StorageFileConfig, PermissionsValue, SizeValue } from './config/types.js';
export { readSecretUsers, type SecretUser } from './secrets.js';
export { ConfigError } from './config/json-source.js';
export { hashPassword, verifyPassword } from './password.js';
export { serveAdmin, type AdminEndpoint, type AdminSettings } from './admin/server.js';
