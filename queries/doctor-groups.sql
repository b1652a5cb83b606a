-- description: real (not benign, not brute-force) 401/403s grouped by cause and rule, biggest first (proven before heuristic among equals), with the users and paths involved and an example request
-- params: since, until, limit
-- example: fix, ip, user, method, target, host, scheme, evidence, tags, file, line
WITH g AS (
  SELECT status, cause, rule, count(*) AS count, count(DISTINCT ip) AS clients,
         json_group_array(DISTINCT user ORDER BY user) FILTER (WHERE user IS NOT NULL) AS users,
         json_group_array(DISTINCT path ORDER BY path) FILTER (WHERE path IS NOT NULL) AS paths,
         min(ts) AS first_ts, max(ts) AS last_ts, max(request_id) AS example, max(confidence = 'proven') AS proven
  FROM report_verdicts
  WHERE benign = 0 AND instr(tags, '"brute_force"') = 0
    AND (:since IS NULL OR ts >= :since) AND (:until IS NULL OR ts < :until)
  GROUP BY status, cause, rule
)
SELECT g.status, g.cause, g.rule, fx.text AS fix, g.count, g.clients, g.users, g.paths, g.first_ts, g.last_ts,
       r.ip, r.user, r.method, r.target, r.host, r.scheme, ev.text AS evidence, v.tags, s.path AS file, r.line
FROM g JOIN report_verdicts v ON v.request_id = g.example JOIN requests r ON r.id = g.example JOIN sources s ON s.id = r.source_id
  JOIN texts ev ON ev.id = v.evidence_id JOIN texts fx ON fx.id = v.fix_id
ORDER BY g.count DESC, g.proven DESC, g.cause, g.status, g.rule LIMIT coalesce(:limit, 10);
