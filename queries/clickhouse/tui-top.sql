-- description: top clients, users and paths of one status and cause under the TUI's filters
-- params: since, until, tag, text, benign, ip, user, path, status, cause, limit
WITH f AS (
  SELECT ip, user, path FROM verdicts FINAL
  WHERE status = {status:Nullable(UInt16)} AND cause = {cause:Nullable(String)} AND ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)})
    AND ({tag:Nullable(String)} IS NULL OR has(tags, assumeNotNull({tag:Nullable(String)})))
  AND ({text:Nullable(String)} IS NULL OR position(ip, assumeNotNull({text:Nullable(String)})) > 0 OR position(coalesce(user, ''), assumeNotNull({text:Nullable(String)})) > 0 OR position(coalesce(path, ''), assumeNotNull({text:Nullable(String)})) > 0)
  AND ({ip:Nullable(String)} IS NULL OR ip = {ip:Nullable(String)}) AND ({user:Nullable(String)} IS NULL OR user = {user:Nullable(String)}) AND ({path:Nullable(String)} IS NULL OR path = {path:Nullable(String)})
  AND ({benign:Nullable(UInt8)} = 1 OR benign = 0)
)
SELECT * FROM (
  SELECT * FROM (SELECT 'client' AS kind, ip AS value, count() AS count FROM f GROUP BY ip ORDER BY count DESC, value LIMIT coalesce({limit:Nullable(UInt64)}, 5))
  UNION ALL
  SELECT * FROM (SELECT 'user' AS kind, assumeNotNull(user) AS value, count() AS count FROM f WHERE user IS NOT NULL GROUP BY user ORDER BY count DESC, value LIMIT coalesce({limit:Nullable(UInt64)}, 5))
  UNION ALL
  SELECT * FROM (SELECT 'path' AS kind, assumeNotNull(path) AS value, count() AS count FROM f WHERE path IS NOT NULL GROUP BY path ORDER BY count DESC, value LIMIT coalesce({limit:Nullable(UInt64)}, 5))
) ORDER BY indexOf(['client', 'user', 'path'], kind), count DESC, value;
