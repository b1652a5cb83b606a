-- description: what the fleet holds around one request: the same client's 401/403s on every server, two minutes either side, in time order (a fleet store keeps no access or error lines)
-- params: id
-- local: id, raw, offset
WITH q AS (SELECT ip, ts FROM verdicts FINAL WHERE intDiv(cityHash64(host, source, line), 4096) = {id:Nullable(UInt64)} LIMIT 1)
SELECT * FROM (
SELECT ts, 'access' AS kind, concat(host, ':', file) AS file, line, intDiv(cityHash64(host, source, line), 4096) = {id:Nullable(UInt64)} AS self,
       concat(host, ' ', ip, ' ', coalesce(user, '-'), ' "', coalesce(method, ''), ' ', coalesce(target, ''), '" ', toString(status), ' ', cause) AS text,
       CAST(NULL AS Nullable(Int64)) AS offset
FROM verdicts FINAL
WHERE ip = (SELECT ip FROM q) AND ts BETWEEN (SELECT ts FROM q) - 120000 AND (SELECT ts FROM q) + 120000
ORDER BY self DESC, abs(ts - (SELECT ts FROM q)), host, source, line LIMIT 9
) ORDER BY ts, file, line;
