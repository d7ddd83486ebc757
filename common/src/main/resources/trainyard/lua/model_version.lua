-- The model version of one run of a workflow: 1, 2, ... per workflow resource, taken once per
-- run, so a retried attempt of the run keeps its number (a run that fails leaves a gap).
-- KEYS[1] workflow resource hash, KEYS[2] run hash
-- Returns the version, or 0 when the workflow resource or the run no longer exists.
local version = redis.call('HGET', KEYS[2], 'modelVersion')
if version then
  return tonumber(version)
end
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('EXISTS', KEYS[2]) == 0 then
  return 0
end
version = redis.call('HINCRBY', KEYS[1], 'lastModelVersion', 1)
redis.call('HSET', KEYS[2], 'modelVersion', version)
return version
