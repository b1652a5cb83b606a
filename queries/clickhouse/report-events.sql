-- description: the newest 401/403s of the range with their verdicts, for the HTML report's drill-down
-- params: since, until, limit
SELECT ts, status, cause, confidence, rule, ip, user, path, toJSONString(tags) AS tags, method, host
FROM verdicts FINAL
WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)})
ORDER BY ts DESC, host DESC, source DESC, line DESC
LIMIT coalesce({limit:Nullable(UInt64)}, 1000);
