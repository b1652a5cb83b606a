-- description: how many 401/403 carry each tag
-- params: since, until
SELECT t.value AS tag, count(*) AS count
FROM report_verdicts v, json_each(v.tags) t
WHERE v.tags <> '[]' AND (:since IS NULL OR v.ts >= :since) AND (:until IS NULL OR v.ts < :until)
GROUP BY t.value ORDER BY count DESC, tag;
