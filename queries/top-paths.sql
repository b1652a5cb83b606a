-- description: paths with the most 401/403
-- params: since, until, cause, limit
SELECT path, count(*) AS count, sum(status = 401) AS unauthorized, sum(status = 403) AS forbidden, group_concat(DISTINCT cause ORDER BY cause) AS causes
FROM report_verdicts
WHERE (:since IS NULL OR ts >= :since) AND (:until IS NULL OR ts < :until) AND (:cause IS NULL OR cause = :cause)
GROUP BY path ORDER BY count DESC, path LIMIT coalesce(:limit, 10);
