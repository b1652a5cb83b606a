-- description: clients with the most 401/403, their main cause and how many users they tried
-- params: since, until, cause, limit
WITH per_cause AS (
  SELECT ip, cause, count() AS n, countIf(status = 401) AS u, countIf(status = 403) AS f,
         groupUniqArray(user) AS users, max(user_agent) AS ua
  FROM verdicts FINAL
  WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)}) AND ({cause:Nullable(String)} IS NULL OR cause = {cause:Nullable(String)})
  GROUP BY ip, cause
)
SELECT ip, sum(n) AS count, sum(u) AS unauthorized, sum(f) AS forbidden,
       argMin(cause, (-toInt64(n), cause)) AS main_cause,
       length(arrayDistinct(arrayFlatten(groupArray(users)))) AS users, max(ua) AS user_agent
FROM per_cause
GROUP BY ip ORDER BY count DESC, ip LIMIT coalesce({limit:Nullable(UInt64)}, 10);
