// The Lua scripts that make the Redis coordination adapter's operations atomic, run by EVALSHA
// (re-sent with EVAL when a restarted Redis has lost its script cache).
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export class Script {
  readonly lua: string;
  readonly sha: string;
  constructor(lua: string) {
    this.lua = lua;
    this.sha = createHash('sha1').update(lua).digest('hex');
  }
  async run(client: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await client.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}

/** Redis server time in ms, so every replica judges expiry by the same clock. */
export const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** Re-acquiring by the current holder succeeds and resets the TTL (an idempotent retry). */
export const ACQUIRE = new Script(`local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if current then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`);

export const RENEW = new Script(`if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`);

export const RELEASE = new Script(`if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0`);

/**
 * KEYS: workers zset (score = expiry ms), info hash, beat-time hash (server ms of the last beat).
 * ARGV: id, ttl ms, info JSON.
 */
export const HEARTBEAT = new Script(`${NOW}
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now))
for _, id in ipairs(expired) do
  redis.call('HDEL', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now))
redis.call('ZADD', KEYS[1], string.format('%d', now + tonumber(ARGV[2])), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[1], string.format('%d', now))
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
for i = 1, 3 do redis.call('PEXPIREAT', KEYS[i], last[2]) end
return 1`);

export const REMOVE_WORKER = new Script(`redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1`);

/**
 * Returns [id, info JSON, beat age ms, ...] for beats whose expiry is still ahead; the age is
 * -1 when the beat did not record its time.
 */
export const LIVE_WORKERS = new Script(`${NOW}
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], string.format('(%d', now), '+inf')
local out = {}
for _, id in ipairs(ids) do
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', KEYS[2], id) or '{}'
  local at = redis.call('HGET', KEYS[3], id)
  if at then out[#out + 1] = math.max(0, now - tonumber(at)) else out[#out + 1] = -1 end
end
return out`);

/**
 * Sliding-window log. KEYS: the hits zset. ARGV: limit, window ms, unique member.
 * A hit at t counts while now - t < window. Returns {allowed, remaining, retryAfterMs}.
 */
export const RATE_LIMIT = new Script(`${NOW}
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now - window))
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], string.format('%d', now), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, limit - count - 1, 0}
end
local pivot = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
local retry = window
if pivot[2] then retry = tonumber(pivot[2]) + window - now end
if retry < 1 then retry = 1 end
return {0, 0, retry}`);
