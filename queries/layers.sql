-- description: which layer answered the 401s and 403s
-- params: since, until
SELECT layer, status, count(*) AS count
FROM report_verdicts
WHERE ts >= coalesce(:since, -9223372036854775808) AND ts < coalesce(:until, 9223372036854775807)
GROUP BY layer, status ORDER BY count DESC, layer;
