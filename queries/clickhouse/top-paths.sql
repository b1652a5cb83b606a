-- description: paths with the most 401/403
-- params: since, until, cause, limit
SELECT path, count() AS count, countIf(status = 401) AS unauthorized, countIf(status = 403) AS forbidden,
       arrayStringConcat(arraySort(groupUniqArray(cause)), ',') AS causes
FROM verdicts FINAL
WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)}) AND ({cause:Nullable(String)} IS NULL OR cause = {cause:Nullable(String)})
GROUP BY path ORDER BY count DESC, path NULLS FIRST LIMIT coalesce({limit:Nullable(UInt64)}, 10);
