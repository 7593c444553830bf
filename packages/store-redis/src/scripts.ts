/**
 * The Lua scripts of the Redis store: each primitive that reads and writes is one
 * script, so it is atomic across every node. Time comes from the Redis server (`TIME`),
 * so expiry needs no synchronised clocks. Redis ≥ 5 (scripts replicate their effects).
 */

/** `now` in milliseconds (with a fraction) from the Redis server's clock. */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
`;

/** Drop expired members of the lease set KEYS[1]. */
const PRUNE_LEASES = `redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
`;

/** Let the lease set KEYS[1] itself expire with its longest-lived member. */
const EXPIRE_LEASES = `local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if top[2] then redis.call('PEXPIREAT', KEYS[1], math.ceil(tonumber(top[2]))) end
`;

/**
 * Quota keys: KEYS[1] stored bytes (string), KEYS[2] reservation bytes by holder (hash),
 * KEYS[3] reservation expiry by holder (sorted set). Drops expired reservations and
 * sets `used` and `reserved`.
 */
const QUOTA_USAGE = `for _, h in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do redis.call('HDEL', KEYS[2], h) end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local reserved = 0
for _, v in ipairs(redis.call('HVALS', KEYS[2])) do reserved = reserved + tonumber(v) end
`;

/** Let the reservation keys expire with their longest-lived reservation. */
const EXPIRE_RESERVATIONS = `local top = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
if top[2] then
  local at = math.ceil(tonumber(top[2]))
  redis.call('PEXPIREAT', KEYS[2], at)
  redis.call('PEXPIREAT', KEYS[3], at)
end
`;

/** The scripts, by command name: key count and source. */
export const SCRIPTS = {
  // KEYS[1] counter; ARGV by, ttl → new value
  ftpkitIncrement: {
    numberOfKeys: 1,
    lua: `local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v`,
  },
  // KEYS[1] lease set; ARGV holder, limit, ttl → 1 granted, 0 refused
  ftpkitAcquire: {
    numberOfKeys: 1,
    lua: `${NOW}${PRUNE_LEASES}if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
${EXPIRE_LEASES}return 1`,
  },
  // KEYS[1] lease set; ARGV holder, ttl → 1 renewed, 0 expired
  ftpkitRenew: {
    numberOfKeys: 1,
    lua: `${NOW}${PRUNE_LEASES}if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
${EXPIRE_LEASES}return 1`,
  },
  // KEYS[1] lease set → unexpired members
  ftpkitCount: {
    numberOfKeys: 1,
    lua: `${NOW}${PRUNE_LEASES}return redis.call('ZCARD', KEYS[1])`,
  },
  // quota keys; ARGV holder, bytes, limit, ttl → {used, reserved} or {-1}
  ftpkitReserve: {
    numberOfKeys: 3,
    lua: `${NOW}${QUOTA_USAGE}local bytes = tonumber(ARGV[2])
if bytes > 0 and used + reserved + bytes > tonumber(ARGV[3]) then return {-1} end
redis.call('HINCRBY', KEYS[2], ARGV[1], bytes)
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[4]), ARGV[1])
${EXPIRE_RESERVATIONS}return {used, reserved + bytes}`,
  },
  // quota keys; ARGV holder ('' for none), delta → {used, reserved}
  ftpkitSettle: {
    numberOfKeys: 3,
    lua: `${NOW}if ARGV[1] ~= '' then
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
end
${QUOTA_USAGE}used = math.max(0, used + tonumber(ARGV[2]))
redis.call('SET', KEYS[1], used)
return {used, reserved}`,
  },
  // quota keys; ARGV initial used ('' for none) → {used, reserved}
  ftpkitUsage: {
    numberOfKeys: 3,
    lua: `${NOW}if ARGV[1] ~= '' then redis.call('SET', KEYS[1], math.max(0, tonumber(ARGV[1])), 'NX') end
${QUOTA_USAGE}return {used, reserved}`,
  },
  // KEYS[1] bucket hash; ARGV tokens, rate, burst → wait in ms (a string: Lua numbers become integers)
  ftpkitTake: {
    numberOfKeys: 1,
    lua: `${NOW}local rate = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000) - tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
if tokens >= 0 then return '0' end
return tostring(-tokens * 1000 / rate)`,
  },
} as const;

/** Names of the script commands. */
export type ScriptName = keyof typeof SCRIPTS;
