-- description: per hour (UTC): all requests, 401s and 403s
-- params: since, until
SELECT intDiv(minute, 3600000) * 3600000 AS hour, sum(count) AS requests,
       sumIf(count, status = 401) AS unauthorized, sumIf(count, status = 403) AS forbidden
FROM traffic FINAL
WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR minute >= {since:Nullable(Int64)} - 59999) AND ({until:Nullable(Int64)} IS NULL OR minute < {until:Nullable(Int64)})
GROUP BY hour ORDER BY hour;
