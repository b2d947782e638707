// Lua scripts of the Redis replay store. Each runs atomically inside Redis, so a check and its transition are one
// step (the reference's two separate calls let two workers both "reserve" the same executionId).
// They mirror core/replay's pure transition rules; replayStore.int.test.ts checks the two agree.
//
// Entry: a hash at parmana:replay:{<request partition>}:<executionId> with
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

// Batch forms: one script call carries a whole chunk (KEYS = the entries, ARGV = a shared TTL then the items'
// arguments), so a chunk of hundreds costs one command instead of hundreds. Each item runs the same steps as the
// single-item scripts above; the whole call is atomic, which is at least as strong as one script per item.

/** reserveMany(ttlMs, fp1, src1, fp2, src2, ...) -> flat {result, state, fp, d} per key */
export const RESERVE_MANY = `
local out = {}
local ttl = ARGV[1]
for i, key in ipairs(KEYS) do
  local fp, src = ARGV[2 * i], ARGV[2 * i + 1]
  local s = redis.call('HGET', key, 's')
  if (not s) or s == 'FAILED' then
    redis.call('DEL', key)
    redis.call('HSET', key, 's', 'RESERVED', 'fp', fp, 'src', src)
    redis.call('PEXPIRE', key, ttl)
    out[#out + 1] = 'reserved'; out[#out + 1] = 'RESERVED'; out[#out + 1] = fp; out[#out + 1] = ''
  else
    local v = redis.call('HMGET', key, 'fp', 'src', 'd')
    if v[2] == src then out[#out + 1] = 'resumed' else out[#out + 1] = 'replay' end
    out[#out + 1] = s; out[#out + 1] = v[1] or ''; out[#out + 1] = v[3] or ''
  end
end
return out
`;

/** completeMany(retentionMs, src1, state1, data1, ...) -> flat {result, state} per key */
export const COMPLETE_MANY = `
local out = {}
local ttl = ARGV[1]
for i, key in ipairs(KEYS) do
  local want, final, data = ARGV[3 * i - 1], ARGV[3 * i], ARGV[3 * i + 1]
  local v = redis.call('HMGET', key, 's', 'src')
  local s, src = v[1], v[2]
  if not s then out[#out + 1] = 'missing'; out[#out + 1] = ''
  elseif src ~= want then out[#out + 1] = 'foreign'; out[#out + 1] = s
  elseif s == final then out[#out + 1] = 'already'; out[#out + 1] = s
  elseif s ~= 'RESERVED' and s ~= 'EXECUTING' then out[#out + 1] = 'illegal'; out[#out + 1] = s
  else
    redis.call('HSET', key, 's', final, 'd', data)
    if final == 'PENDING_OVERRIDE' then redis.call('PERSIST', key) else redis.call('PEXPIRE', key, ttl) end
    out[#out + 1] = 'completed'; out[#out + 1] = final
  end
end
return out
`;

/** failMany(failedTtlMs, src1, src2, ...) -> flat {result, state} per key */
export const FAIL_MANY = `
local out = {}
local ttl = ARGV[1]
for i, key in ipairs(KEYS) do
  local want = ARGV[i + 1]
  local v = redis.call('HMGET', key, 's', 'src')
  local s, src = v[1], v[2]
  if not s then out[#out + 1] = 'missing'; out[#out + 1] = ''
  elseif src ~= want then out[#out + 1] = 'foreign'; out[#out + 1] = s
  elseif s ~= 'RESERVED' and s ~= 'EXECUTING' then out[#out + 1] = 'illegal'; out[#out + 1] = s
  else
    redis.call('HSET', key, 's', 'FAILED')
    redis.call('PEXPIRE', key, ttl)
    out[#out + 1] = 'failed'; out[#out + 1] = 'FAILED'
  end
end
return out
`;
