-- description: how many 401/403 carry each tag
-- params: since, until
SELECT t.value AS tag, count(*) AS count
FROM report_verdicts v, json_each(v.tags) t
WHERE v.tags <> '[]' AND v.ts >= coalesce(:since, -9223372036854775808) AND v.ts < coalesce(:until, 9223372036854775807)
GROUP BY t.value ORDER BY count DESC, tag;
