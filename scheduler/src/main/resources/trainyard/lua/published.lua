-- Jobs of queued runs are on Kafka now: take those runs out of the tenant's in-flight index,
-- unless a worker started one meanwhile (then the start's lease scores it).
-- KEYS[1] the tenant's in-flight index; then per run, its run hash. ARGV: per run, its id.
-- Returns how many entries were removed.
local removed = 0
for i = 2, #KEYS do
  if redis.call('HGET', KEYS[i], 'status') ~= 'RUNNING' then
    removed = removed + redis.call('ZREM', KEYS[1], ARGV[i - 1])
  end
end
return removed
