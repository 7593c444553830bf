/**
 * @ftpkit/store-redis: ftpkit's shared-state contract on Redis, so that every node of a
 * fleet holds the same bans, session and connection caps, quotas, bandwidth buckets and
 * TLS ticket keys.
 */
export { RedisStateStore, type RedisStateStoreOptions } from './redis-store.js';
