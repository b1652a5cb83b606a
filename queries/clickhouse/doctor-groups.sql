-- description: real (not benign, not brute-force) 401/403s grouped by cause and rule, biggest first (proven before heuristic among equals), with the users and paths involved and an example request
-- params: since, until, limit
-- example: fix, ip, user, method, target, host, scheme, evidence, tags, file, line
WITH g AS (
  SELECT status, cause, rule, count() AS count, uniqExact(ip) AS clients,
         toJSONString(arraySort(groupUniqArray(user))) AS users, toJSONString(arraySort(groupUniqArray(path))) AS paths,
         min(ts) AS first_ts, max(ts) AS last_ts, max(confidence = 'proven') AS proven,
         argMax((fix, ip, user, method, target, vhost, scheme, evidence, toJSONString(tags), file, line), (ts, host, source, line)) AS e
  FROM verdicts FINAL
  WHERE benign = 0 AND NOT has(tags, 'brute_force') AND ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)})
  GROUP BY status, cause, rule
)
SELECT status, cause, rule, e.1 AS fix, count, clients, users, paths, first_ts, last_ts,
       e.2 AS ip, e.3 AS user, e.4 AS method, e.5 AS target, e.6 AS host, e.7 AS scheme, e.8 AS evidence, e.9 AS tags, e.10 AS file, e.11 AS line
FROM g
ORDER BY count DESC, proven DESC, cause, status, rule LIMIT coalesce({limit:Nullable(UInt64)}, 10);
