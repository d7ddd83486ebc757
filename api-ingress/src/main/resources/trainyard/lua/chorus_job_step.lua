-- Moves a Chorus job's run on by one step only if no one else moved it meanwhile: several ingress
-- instances may look at the same job at once, and exactly one of them may submit the next step.
-- KEYS[1] the job hash; ARGV[1] the field compared, ARGV[2] its expected value ('' for absent),
-- then field/value pairs to set. Returns 1 when set, 0 when the field had changed.
if (redis.call('HGET', KEYS[1], ARGV[1]) or '') ~= ARGV[2] then
  return 0
end
if #ARGV > 2 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 3, #ARGV))
end
return 1
