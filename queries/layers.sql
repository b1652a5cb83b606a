-- description: which layer answered the 401s and 403s
-- params: since, until
SELECT layer, status, count(*) AS count
FROM report_verdicts
WHERE (:since IS NULL OR ts >= :since) AND (:until IS NULL OR ts < :until)
GROUP BY layer, status ORDER BY count DESC, layer, status;
