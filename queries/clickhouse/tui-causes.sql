-- description: causes per status with counts and benign counts for the TUI's filters (tag, text, benign, a picked client, user or path)
-- params: since, until, tag, text, benign, ip, user, path
SELECT status, cause, count() AS count, sum(benign) AS benign, countIf(confidence = 'proven') AS proven
FROM verdicts FINAL
WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)})
  AND ({tag:Nullable(String)} IS NULL OR has(tags, assumeNotNull({tag:Nullable(String)})))
  AND ({text:Nullable(String)} IS NULL OR position(ip, assumeNotNull({text:Nullable(String)})) > 0 OR position(coalesce(user, ''), assumeNotNull({text:Nullable(String)})) > 0 OR position(coalesce(path, ''), assumeNotNull({text:Nullable(String)})) > 0)
  AND ({ip:Nullable(String)} IS NULL OR ip = {ip:Nullable(String)}) AND ({user:Nullable(String)} IS NULL OR user = {user:Nullable(String)}) AND ({path:Nullable(String)} IS NULL OR path = {path:Nullable(String)})
  AND ({benign:Nullable(UInt8)} = 1 OR benign = 0)
GROUP BY status, cause ORDER BY count DESC, status, cause;
