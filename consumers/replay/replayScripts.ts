// Lua scripts of the Redis replay store. Each runs atomically inside Redis, so a check and its transition are one
// step (the reference's two separate calls let two workers both "reserve" the same executionId).
// They mirror core/replay's pure transition rules; replayStore.int.test.ts checks the two agree.
//
// Entry: a hash at parmana:replay:<executionId> with
//   s  state (RESERVED | EXECUTING | CONFIRMED | PENDING_OVERRIDE | OVERRIDDEN | OVERRIDE_REJECTED | FAILED)
//   fp execution fingerprint, src source record "topic:partition:offset", cmd override command id, d decision data.
// A missing key is "no entry" (never seen, or EXPIRED by its TTL).

/** reserve(fp, src, reservationTtlMs) -> {result, state, fp, d} */
export const RESERVE = `
local s = redis.call('HGET', KEYS[1], 's')
if (not s) or s == 'FAILED' then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 's', 'RESERVED', 'fp', ARGV[1], 'src', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {'reserved', 'RESERVED', ARGV[1], ''}
end
local v = redis.call('HMGET', KEYS[1], 'fp', 'src', 'd')
if v[2] == ARGV[2] then
  return {'resumed', s, v[1] or '', v[3] or ''}
end
return {'replay', s, v[1] or '', v[3] or ''}
`;

/** complete(src, finalState, retentionMs, decisionData) -> {result, state}; RESERVED/EXECUTING of this src only. */
export const COMPLETE = `
local v = redis.call('HMGET', KEYS[1], 's', 'src')
local s, src = v[1], v[2]
if not s then return {'missing', ''} end
if src ~= ARGV[1] then return {'foreign', s} end
if s == ARGV[2] then return {'already', s} end
if s ~= 'RESERVED' and s ~= 'EXECUTING' then return {'illegal', s} end
redis.call('HSET', KEYS[1], 's', ARGV[2], 'd', ARGV[4])
if ARGV[2] == 'PENDING_OVERRIDE' then
  redis.call('PERSIST', KEYS[1])
else
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return {'completed', ARGV[2]}
`;

/** fail(src, failedTtlMs) -> {result, state}; a reservation of this src that could not be decided. */
export const FAIL = `
local v = redis.call('HMGET', KEYS[1], 's', 'src')
local s, src = v[1], v[2]
if not s then return {'missing', ''} end
if src ~= ARGV[1] then return {'foreign', s} end
if s ~= 'RESERVED' and s ~= 'EXECUTING' then return {'illegal', s} end
redis.call('HSET', KEYS[1], 's', 'FAILED')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {'failed', 'FAILED'}
`;

/** resolveOverride(commandId, approved '1'|'0', retentionMs) -> {result, state, fp, d} */
export const RESOLVE_OVERRIDE = `
local v = redis.call('HMGET', KEYS[1], 's', 'fp', 'cmd', 'd')
local s = v[1]
if not s then return {'not_found', '', '', ''} end
if s == 'PENDING_OVERRIDE' then
  local next = 'OVERRIDE_REJECTED'
  if ARGV[2] == '1' then next = 'OVERRIDDEN' end
  redis.call('HSET', KEYS[1], 's', next, 'cmd', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {'resolved', next, v[2] or '', v[4] or ''}
end
if s == 'OVERRIDDEN' or s == 'OVERRIDE_REJECTED' then
  if v[3] == ARGV[1] then return {'resumed', s, v[2] or '', v[4] or ''} end
  return {'already_resolved', s, v[2] or '', v[4] or ''}
end
return {'not_found', s, v[2] or '', v[4] or ''}
`;
