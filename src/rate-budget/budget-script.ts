// The Lua scripts behind the rate budget. Each runs atomically inside Redis, so any number of
// workers on any number of machines see one consistent budget, and every timestamp comes
// from the Redis server's clock rather than from the callers' clocks.
//
// Layout per budget: a sorted set `<base>:log` of admitted requests (score = time in ms,
// member = a unique id), a key `<base>:paused` whose TTL is a pause set after a 429, and
// counters `<base>:429` (all 429 responses) and `<base>:streak` (429s in a row). A request's
// score is first its admission time, then, once its response arrived, that later time.
// Upstox counts a request when it arrives, which lies between the two; keeping the later
// time means a window never frees early, however long the request took to get there.

/**
 * Takes one request slot if every window has room for the caller's priority class.
 *
 * KEYS[1] log, KEYS[2] paused.
 * ARGV[1] member id; ARGV[2] number of windows n; then n triples of
 * (window length ms, window limit for this class, full window limit).
 * Returns {1, 0, counts...} when taken, or {0, waitMs, counts...} when not, where counts are
 * the admitted requests inside each window before this call.
 */
export const TAKE_SCRIPT = `
local log = KEYS[1]
local paused = KEYS[2]
local member = ARGV[1]
local n = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

local longest = 0
for i = 0, n - 1 do
  local length = tonumber(ARGV[3 + i * 3])
  if length > longest then longest = length end
end
redis.call('ZREMRANGEBYSCORE', log, '-inf', now - longest)

local counts = {}
local wait = 0
local pausedMs = redis.call('PTTL', paused)
if pausedMs > 0 then wait = pausedMs end

for i = 0, n - 1 do
  local length = tonumber(ARGV[3 + i * 3])
  local limit = tonumber(ARGV[4 + i * 3])
  local since = now - length
  local count = redis.call('ZCOUNT', log, '(' .. since, '+inf')
  counts[i + 1] = count
  if count >= limit then
    -- The slot frees when the entry that keeps the window at its limit leaves it: the
    -- (count - limit + 1)-th oldest entry inside the window, plus the window length.
    local entry = redis.call('ZRANGEBYSCORE', log, '(' .. since, '+inf', 'WITHSCORES', 'LIMIT', count - limit, 1)
    local freeAt = tonumber(entry[2]) + length
    if freeAt - now > wait then wait = freeAt - now end
  end
end

if wait > 0 then
  return {0, math.max(1, wait), unpack(counts)}
end
redis.call('ZADD', log, now, member)
redis.call('PEXPIRE', log, longest)
return {1, 0, unpack(counts)}
`;

/**
 * Moves an admitted request to the current time once its response has arrived.
 *
 * KEYS[1] log. ARGV[1] member id; ARGV[2] the longest window in ms.
 */
export const SETTLE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`;

/**
 * Pauses the budget after a 429 and counts the answer. Without a Retry-After value the pause
 * doubles with each 429 that arrives after the previous pause ended, from `baseMs` up to
 * `capMs`. A 429 that arrives while a pause runs (a request already in flight) is counted but
 * does not lengthen the pause.
 *
 * KEYS[1] paused, KEYS[2] total 429 counter, KEYS[3] streak counter.
 * ARGV[1] Retry-After in ms or 0; ARGV[2] baseMs; ARGV[3] capMs; ARGV[4] streak expiry ms.
 * Returns {pauseMs, startedNow}: the pause now running, and 1 when this call started it.
 */
export const PAUSE_SCRIPT = `
local paused = KEYS[1]
local retryAfter = tonumber(ARGV[1])
local base = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
redis.call('INCR', KEYS[2])
local running = redis.call('PTTL', paused)
if running > 0 and retryAfter <= running then
  return {running, 0}
end
local streak = redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[4]))
local pauseMs = retryAfter
if pauseMs <= 0 then
  pauseMs = math.min(cap, base * (2 ^ (streak - 1)))
end
redis.call('SET', paused, '1', 'PX', math.floor(pauseMs))
local startedNow = 1
if running > 0 then startedNow = 0 end
return {math.floor(pauseMs), startedNow}
`;
