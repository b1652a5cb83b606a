-- description: per status and cause, counts in 12 equal time buckets of the range (for a sparkline)
-- params: since, until, tag, text, benign, ip, user, path
SELECT status, cause, least(11, intDiv((ts - {since:Nullable(Int64)}) * 12, greatest(1, {until:Nullable(Int64)} - {since:Nullable(Int64)}))) AS bucket, count() AS count
FROM verdicts FINAL
WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ts >= {since:Nullable(Int64)} AND ts < {until:Nullable(Int64)}
  AND ({tag:Nullable(String)} IS NULL OR has(tags, assumeNotNull({tag:Nullable(String)})))
  AND ({text:Nullable(String)} IS NULL OR position(ip, assumeNotNull({text:Nullable(String)})) > 0 OR position(coalesce(user, ''), assumeNotNull({text:Nullable(String)})) > 0 OR position(coalesce(path, ''), assumeNotNull({text:Nullable(String)})) > 0)
  AND ({ip:Nullable(String)} IS NULL OR ip = {ip:Nullable(String)}) AND ({user:Nullable(String)} IS NULL OR user = {user:Nullable(String)}) AND ({path:Nullable(String)} IS NULL OR path = {path:Nullable(String)})
  AND ({benign:Nullable(UInt8)} = 1 OR benign = 0)
GROUP BY status, cause, bucket ORDER BY status, cause, bucket;
