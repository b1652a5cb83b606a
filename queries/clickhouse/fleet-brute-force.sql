-- description: password guessing spread over servers or addresses: failed logins with credentials per client network (an IPv4 address, an IPv6 /64), with how many servers, clients and users
-- params: since, until, min_failures, limit
WITH f AS (
  SELECT host, if(isIPv6String(ip), concat(cutIPv6(IPv6StringToNum(ip), 8, 0), '/64'), ip) AS net, ip, user, ts
  FROM verdicts FINAL
  WHERE benign = 0 AND cause IN ('user_not_found', 'password_mismatch', 'bad_credentials') AND ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)})
),
per_host AS (SELECT net, host, count() AS n FROM f GROUP BY net, host)
SELECT net, count() AS failures, uniqExact(host) AS hosts, uniqExact(ip) AS clients, uniqExact(user) AS users,
       (SELECT max(n) FROM per_host p WHERE p.net = f.net) AS most_on_one_host, min(ts) AS first_ts, max(ts) AS last_ts
FROM f GROUP BY net
HAVING failures >= coalesce({min_failures:Nullable(UInt64)}, 10)
ORDER BY failures DESC, net LIMIT coalesce({limit:Nullable(UInt64)}, 20);
