-- description: how many 401/403 carry each tag
-- params: since, until
SELECT tag, count() AS count
FROM verdicts FINAL ARRAY JOIN tags AS tag
WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)})
GROUP BY tag ORDER BY count DESC, tag;
