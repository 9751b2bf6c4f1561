// The Lua scripts behind the Redis SessionStore: each operation is one script, so it is atomic.
// A session is a hash at `<prefix>{<userId>}:s:<sid>`; the user's index is a sorted set at
// `<prefix>{<userId>}:sessions` (score: creation time). The `{userId}` hash tag puts all of a
// user's keys in one Cluster slot, so scripts may touch every session of that user.

/** KEYS: session, index, the user's deletion mark (nothing is stored while it is there: returns 0). ARGV: expiresAtMs, createdAtMs, sid, then field/value pairs. */
export const CREATE = `
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
if redis.call('PEXPIRETIME', KEYS[2]) < tonumber(ARGV[1]) then redis.call('PEXPIREAT', KEYS[2], ARGV[1]) end
return 1`;

/**
 * How far past a client session's expiry its entry in the client's index reaches: a rotation
 * extends the entry (one more round trip) only once the session outlives it, about once a day.
 */
export const CLIENT_INDEX_SLACK_MS = 86_400_000;

/**
 * KEYS: session, index. ARGV: expectedHash, expiresAtMs, then field/value pairs. Returns 0 if not
 * swapped, else 1, or the session's client id when its entry in the client's index must reach
 * further (the session's `clientIndexedUntil` is moved CLIENT_INDEX_SLACK_MS past the new expiry).
 */
export const ROTATE = `
local current = redis.call('HMGET', KEYS[1], 'currentHash', 'revokedAt', 'clientId', 'clientIndexedUntil')
if current[1] ~= ARGV[1] or (current[2] and current[2] ~= '') then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
if redis.call('PEXPIRETIME', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIREAT', KEYS[2], ARGV[2]) end
if current[3] and current[3] ~= '' and tonumber(ARGV[2]) > (tonumber(current[4]) or 0) then
  redis.call('HSET', KEYS[1], 'clientIndexedUntil', tonumber(ARGV[2]) + ${CLIENT_INDEX_SLACK_MS})
  return current[3]
end
return 1`;

/**
 * A client's index of its sessions (a sorted set at `<prefix>c:{<clientId>}:sessions`, member
 * "<userId> <sid>", score: past the session's expiry), in its own Cluster slot. KEYS: that index. ARGV:
 * nowMs, expiresAtMs, member. Expired members go. A rotation adds the member too when it is missing
 * (a session stored before the index existed); a revoked session never rotates, so none comes back.
 */
export const CLIENT_INDEX = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
redis.call('ZADD', KEYS[1], 'GT', ARGV[2], ARGV[3])
if redis.call('PEXPIRETIME', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIREAT', KEYS[1], ARGV[2]) end
return 1`;

/** KEYS: session. ARGV: nowMs. */
export const REVOKE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local revoked = redis.call('HGET', KEYS[1], 'revokedAt')
if revoked and revoked ~= '' then return 0 end
redis.call('HSET', KEYS[1], 'revokedAt', ARGV[1])
return 1`;

/** KEYS: index. ARGV: nowMs, session key prefix, exceptSid ('' for none). Returns how many. */
export const REVOKE_ALL = `
local count = 0
for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[2] .. sid
  if redis.call('EXISTS', key) == 0 then
    redis.call('ZREM', KEYS[1], sid)
  elseif sid ~= ARGV[3] then
    local revoked = redis.call('HGET', key, 'revokedAt')
    if not revoked or revoked == '' then
      redis.call('HSET', key, 'revokedAt', ARGV[1])
      count = count + 1
    end
  end
end
return count`;

/** KEYS: index, the deletion mark. ARGV: session key prefix, the mark's lifetime (ms). Deletes every session of the user and the index, and marks the user gone; returns how many were not revoked. */
export const DELETE_ALL = `
local count = 0
for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[1] .. sid
  if redis.call('HGET', key, 'revokedAt') == '' then count = count + 1 end
  redis.call('DEL', key)
end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
return count`;

/** KEYS: index. ARGV: nowMs, session key prefix. Returns live sessions, newest first, as flat field lists. */
export const LIST_ACTIVE = `
local out = {}
for _, sid in ipairs(redis.call('ZREVRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[2] .. sid
  local fields = redis.call('HGETALL', key)
  if #fields == 0 then
    redis.call('ZREM', KEYS[1], sid)
  else
    local record = {}
    for i = 1, #fields, 2 do record[fields[i]] = fields[i + 1] end
    if (not record.revokedAt or record.revokedAt == '') and tonumber(record.expiresAt) > tonumber(ARGV[1]) then
      table.insert(out, fields)
    end
  end
end
return out`;
