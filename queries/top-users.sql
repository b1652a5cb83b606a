-- description: user names in 401/403 requests, with how many failures and clients
-- params: since, until, cause, limit
SELECT r.user, count(*) AS count, count(DISTINCT r.ip) AS clients,
       group_concat(DISTINCT v.cause) AS causes
FROM requests r JOIN verdicts v ON v.request_id = r.id
WHERE r.user IS NOT NULL
  AND (:since IS NULL OR r.ts >= :since) AND (:until IS NULL OR r.ts < :until)
  AND (:cause IS NULL OR v.cause = :cause)
GROUP BY r.user ORDER BY count DESC, r.user LIMIT coalesce(:limit, 10);
