-- description: every 401 and 403 with its verdict, newest last; filters are optional
-- params: since, until, cause, ip, user, status, tag, limit
SELECT ts, ip, method, target AS path, status, user, user_agent,
       cause, confidence, layer, toJSONString(tags) AS tags, evidence, fix, rule, file, line, source, host
FROM verdicts FINAL
WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)})
  AND ({cause:Nullable(String)} IS NULL OR cause = {cause:Nullable(String)})
  AND ({ip:Nullable(String)} IS NULL OR ip = {ip:Nullable(String)})
  AND ({user:Nullable(String)} IS NULL OR user = {user:Nullable(String)})
  AND ({status:Nullable(UInt16)} IS NULL OR status = {status:Nullable(UInt16)})
  AND ({tag:Nullable(String)} IS NULL OR has(tags, assumeNotNull({tag:Nullable(String)})))
ORDER BY ts, host, source, line
LIMIT coalesce({limit:Nullable(UInt64)}, 18446744073709551615);
