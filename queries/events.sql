-- description: every 401 and 403 with its verdict, newest last; filters are optional
-- params: since, until, cause, ip, user, status, tag, limit
SELECT r.ts, r.ip, r.method, r.target AS path, r.status, r.user, ua.text AS user_agent,
       v.cause, v.confidence, v.layer, v.tags, ev.text AS evidence, fx.text AS fix, v.rule, s.path AS file, r.line, s.key AS source, local_host() AS host
FROM requests r
JOIN report_verdicts v ON v.request_id = r.id
JOIN sources s ON s.id = r.source_id
JOIN texts ev ON ev.id = v.evidence_id
JOIN texts fx ON fx.id = v.fix_id
LEFT JOIN texts ua ON ua.id = r.user_agent_id
WHERE r.status IN (401, 403)
  AND r.ts >= coalesce(:since, -9223372036854775808)
  AND r.ts < coalesce(:until, 9223372036854775807)
  AND (:cause IS NULL OR v.cause = :cause)
  AND (:ip IS NULL OR r.ip = :ip)
  AND (:user IS NULL OR r.user = :user)
  AND (:status IS NULL OR r.status = :status)
  AND (:tag IS NULL OR instr(v.tags, '"' || :tag || '"') > 0)
ORDER BY r.ts, r.id
LIMIT coalesce(:limit, -1);
