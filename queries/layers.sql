-- description: which layer answered the 401s and 403s
-- params: since, until
SELECT v.layer, r.status, count(*) AS count
FROM requests r JOIN verdicts v ON v.request_id = r.id
WHERE (:since IS NULL OR r.ts >= :since) AND (:until IS NULL OR r.ts < :until)
GROUP BY v.layer, r.status ORDER BY count DESC, v.layer;
