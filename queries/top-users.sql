-- description: user names in 401/403 requests, with how many failures and clients
-- params: since, until, cause, limit
SELECT user, count(*) AS count, count(DISTINCT ip) AS clients, group_concat(DISTINCT cause ORDER BY cause) AS causes
FROM report_verdicts
WHERE user IS NOT NULL AND (:since IS NULL OR ts >= :since) AND (:until IS NULL OR ts < :until) AND (:cause IS NULL OR cause = :cause)
GROUP BY user ORDER BY count DESC, user LIMIT coalesce(:limit, 10);
