-- description: clients tagged brute_force, with their failures, the user names they tried and when
-- params: since, until, limit
SELECT ip, count(*) AS failures, count(DISTINCT user) AS users,
       json_group_array(DISTINCT user ORDER BY user) FILTER (WHERE user IS NOT NULL) AS users_tried, min(ts) AS first_ts, max(ts) AS last_ts
FROM report_verdicts
WHERE instr(tags, '"brute_force"') > 0 AND (:since IS NULL OR ts >= :since) AND (:until IS NULL OR ts < :until)
GROUP BY ip ORDER BY failures DESC, ip LIMIT coalesce(:limit, 20);
