export { main, startFromConfig, userAuthenticator } from './main.js';
export { parseCommandLine, UsageError, USAGE, type CliConfig, type BackendConfig } from './args.js';
