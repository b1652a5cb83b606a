-- description: paths with the most 401/403
-- params: since, until, cause, limit
SELECT r.path, count(*) AS count, sum(r.status = 401) AS unauthorized, sum(r.status = 403) AS forbidden,
       group_concat(DISTINCT v.cause) AS causes
FROM requests r JOIN verdicts v ON v.request_id = r.id
WHERE (:since IS NULL OR r.ts >= :since) AND (:until IS NULL OR r.ts < :until)
  AND (:cause IS NULL OR v.cause = :cause)
GROUP BY r.path ORDER BY count DESC, r.path LIMIT coalesce(:limit, 10);
