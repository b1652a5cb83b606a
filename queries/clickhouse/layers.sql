-- description: which layer answered the 401s and 403s
-- params: since, until
SELECT layer, status, count() AS count
FROM verdicts FINAL
WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)})
GROUP BY layer, status ORDER BY count DESC, layer, status;
