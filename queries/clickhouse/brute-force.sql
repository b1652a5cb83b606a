-- description: clients tagged brute_force, with their failures, the user names they tried and when
-- params: since, until, limit
SELECT ip, count() AS failures, uniqExact(user) AS users,
       toJSONString(arraySort(groupUniqArray(user))) AS users_tried, min(ts) AS first_ts, max(ts) AS last_ts
FROM verdicts FINAL
WHERE has(tags, 'brute_force') AND ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)})
GROUP BY ip ORDER BY failures DESC, ip LIMIT coalesce({limit:Nullable(UInt64)}, 20);
