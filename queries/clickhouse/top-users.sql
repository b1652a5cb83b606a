-- description: user names in 401/403 requests, with how many failures and clients
-- params: since, until, cause, limit
SELECT assumeNotNull(user) AS user, count() AS count, uniqExact(ip) AS clients, arrayStringConcat(arraySort(groupUniqArray(cause)), ',') AS causes
FROM verdicts FINAL
WHERE user IS NOT NULL AND ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)}) AND ({cause:Nullable(String)} IS NULL OR cause = {cause:Nullable(String)})
GROUP BY user ORDER BY count DESC, user LIMIT coalesce({limit:Nullable(UInt64)}, 10);
