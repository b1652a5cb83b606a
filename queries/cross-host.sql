-- description: 401s whose client was challenged, or succeeded, on another server of the fleet first (a balancer without sticky sessions; nonces or sessions not shared). One database is one server: here it finds nothing, over a fleet store it does
-- params: since, until, window_ms, limit
WITH fails AS (
  SELECT local_host() AS host, ip, ts, cause, path FROM report_verdicts
  WHERE status = 401 AND benign = 0 AND (:since IS NULL OR ts >= :since) AND (:until IS NULL OR ts < :until)
),
seen AS (
  SELECT local_host() AS host, ip, ts, 'challenge' AS kind FROM report_verdicts WHERE status = 401 AND benign = 1
  UNION ALL
  SELECT local_host(), ip, first_ts, 'success' FROM client_ok
)
SELECT f.host, f.ip, f.ts, f.cause, f.path, s.host AS other_host, s.kind AS seen, max(s.ts) AS other_ts
FROM fails f JOIN seen s ON s.ip = f.ip AND s.host <> f.host AND s.ts <= f.ts
  AND (s.kind = 'success' OR s.ts >= f.ts - coalesce(:window_ms, 60000))
GROUP BY f.host, f.ip, f.ts, f.cause, f.path, s.host, s.kind
ORDER BY f.ts, f.host, f.ip, other_host, seen LIMIT coalesce(:limit, 100);
