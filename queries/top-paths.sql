-- description: paths with the most 401/403
-- params: since, until, cause, limit
SELECT path, count(*) AS count, sum(status = 401) AS unauthorized, sum(status = 403) AS forbidden, group_concat(DISTINCT cause) AS causes
FROM report_verdicts
WHERE ts >= coalesce(:since, -9223372036854775808) AND ts < coalesce(:until, 9223372036854775807) AND (:cause IS NULL OR cause = :cause)
GROUP BY path ORDER BY count DESC, path LIMIT coalesce(:limit, 10);
