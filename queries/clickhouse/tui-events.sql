-- description: one page of the events of one status and cause under the TUI's filters, newest first, with evidence and the access line
-- params: since, until, tag, text, benign, ip, user, path, status, cause, limit, offset
-- local: id, raw, offset
SELECT intDiv(cityHash64(host, source, line), 4096) AS id, ts, ip, user, method, target AS path, status, cause, confidence, layer,
       toJSONString(tags) AS tags, evidence, fix, CAST(NULL AS Nullable(String)) AS raw, CAST(NULL AS Nullable(Int64)) AS offset, file, line, host
FROM verdicts FINAL
WHERE status = {status:Nullable(UInt16)} AND cause = {cause:Nullable(String)} AND ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)})
  AND ({tag:Nullable(String)} IS NULL OR has(tags, assumeNotNull({tag:Nullable(String)})))
  AND ({text:Nullable(String)} IS NULL OR position(ip, assumeNotNull({text:Nullable(String)})) > 0 OR position(coalesce(user, ''), assumeNotNull({text:Nullable(String)})) > 0 OR position(coalesce(path, ''), assumeNotNull({text:Nullable(String)})) > 0)
  AND ({ip:Nullable(String)} IS NULL OR ip = {ip:Nullable(String)}) AND ({user:Nullable(String)} IS NULL OR user = {user:Nullable(String)}) AND ({path:Nullable(String)} IS NULL OR path = {path:Nullable(String)})
  AND ({benign:Nullable(UInt8)} = 1 OR benign = 0)
ORDER BY ts DESC, host DESC, source DESC, line DESC
LIMIT coalesce({limit:Nullable(UInt64)}, 50) OFFSET coalesce({offset:Nullable(UInt64)}, 0);
