-- description: 401s whose client was challenged, or succeeded, on another server of the fleet first (a balancer without sticky sessions; nonces or sessions not shared). One database is one server: here it finds nothing, over a fleet store it does
-- params: since, until, window_ms, limit
WITH fails AS (
  SELECT host, ip, ts, cause, path FROM verdicts FINAL
  WHERE status = 401 AND benign = 0 AND ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)})
),
seen AS (
  SELECT host, ip, ts, 'challenge' AS kind FROM verdicts FINAL WHERE status = 401 AND benign = 1
  UNION ALL
  SELECT host, ip, first_ts AS ts, 'success' AS kind FROM client_ok FINAL
)
SELECT f.host AS host, f.ip AS ip, f.ts AS ts, f.cause AS cause, f.path AS path, s.host AS other_host, s.kind AS seen, max(s.ts) AS other_ts
FROM fails f INNER JOIN seen s ON s.ip = f.ip
WHERE s.host <> f.host AND s.ts <= f.ts AND (s.kind = 'success' OR s.ts >= f.ts - coalesce({window_ms:Nullable(Int64)}, 60000))
GROUP BY f.host, f.ip, f.ts, f.cause, f.path, s.host, s.kind
ORDER BY ts, host, ip, other_host, seen LIMIT coalesce({limit:Nullable(UInt64)}, 100);
