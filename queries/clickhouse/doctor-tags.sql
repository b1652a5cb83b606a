-- description: per tag (symptoms, brute force, monitors, automation): 401/403 count, clients, and an example request
-- params: since, until
-- example: ip, user, method, target, host, scheme, user_agent, cause, evidence, file, line
WITH t AS (
  SELECT tag, count() AS count, uniqExact(ip) AS clients, toJSONString(arraySort(groupUniqArray(user))) AS users,
         argMax((ip, user, method, target, vhost, scheme, user_agent, cause, evidence, file, line), (ts, host, source, line)) AS e
  FROM verdicts FINAL ARRAY JOIN tags AS tag
  WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)})
  GROUP BY tag
)
SELECT tag, count, clients, users, e.1 AS ip, e.2 AS user, e.3 AS method, e.4 AS target, e.5 AS host, e.6 AS scheme,
       e.7 AS user_agent, e.8 AS cause, e.9 AS evidence, e.10 AS file, e.11 AS line
FROM t
ORDER BY count DESC, tag;
