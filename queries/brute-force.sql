-- description: clients tagged brute_force, with their failures, the user names they tried and when
-- params: since, until, limit
SELECT r.ip, count(*) AS failures, count(DISTINCT r.user) AS users,
       json_group_array(DISTINCT r.user) AS users_tried, min(r.ts) AS first_ts, max(r.ts) AS last_ts
FROM requests r JOIN verdicts v ON v.request_id = r.id
WHERE EXISTS (SELECT 1 FROM json_each(v.tags) WHERE value = 'brute_force')
  AND (:since IS NULL OR r.ts >= :since) AND (:until IS NULL OR r.ts < :until)
GROUP BY r.ip ORDER BY failures DESC, r.ip LIMIT coalesce(:limit, 20);
