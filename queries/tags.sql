-- description: how many 401/403 carry each tag
-- params: since, until
SELECT t.value AS tag, count(*) AS count
FROM requests r JOIN verdicts v ON v.request_id = r.id, json_each(v.tags) t
WHERE (:since IS NULL OR r.ts >= :since) AND (:until IS NULL OR r.ts < :until)
GROUP BY t.value ORDER BY count DESC, tag;
