-- description: per tag (symptoms, brute force, monitors, automation): 401/403 count, clients, and an example request
-- params: since, until
-- example: ip, user, method, target, host, scheme, user_agent, cause, evidence, file, line
WITH t AS (
  SELECT j.value AS tag, count(*) AS count, count(DISTINCT v.ip) AS clients, max(v.request_id) AS example,
         json_group_array(DISTINCT v.user ORDER BY v.user) FILTER (WHERE v.user IS NOT NULL) AS users
  FROM report_verdicts v, json_each(v.tags) j
  WHERE v.tags <> '[]' AND (:since IS NULL OR v.ts >= :since) AND (:until IS NULL OR v.ts < :until)
  GROUP BY j.value
)
SELECT t.tag, t.count, t.clients, t.users, r.ip, r.user, r.method, r.target, r.host, r.scheme, ua.text AS user_agent, v.cause, ev.text AS evidence, s.path AS file, r.line
FROM t JOIN report_verdicts v ON v.request_id = t.example JOIN requests r ON r.id = t.example JOIN sources s ON s.id = r.source_id
  JOIN texts ev ON ev.id = v.evidence_id LEFT JOIN texts ua ON ua.id = r.user_agent_id
ORDER BY t.count DESC, t.tag;
