-- description: the newest 401/403s of the range with their verdicts, for the HTML report's drill-down
-- params: since, until, limit
SELECT v.ts, v.status, v.cause, v.confidence, v.rule, v.ip, v.user, v.path, v.tags, r.method, local_host() AS host
FROM report_verdicts v JOIN requests r ON r.id = v.request_id JOIN sources s ON s.id = r.source_id
WHERE (:since IS NULL OR v.ts >= :since) AND (:until IS NULL OR v.ts < :until)
ORDER BY v.ts DESC, coalesce(s.key, 'source-' || s.id) DESC, r.line DESC
LIMIT coalesce(:limit, 1000);
