-- description: password guessing spread over servers or addresses: failed logins with credentials per client network (an IPv4 address, an IPv6 /64), with how many servers, clients and users
-- params: since, until, min_failures, limit
WITH f AS (
  SELECT local_host() AS host, client_net(ip) AS net, ip, user, ts FROM report_verdicts
  WHERE benign = 0 AND cause IN ('user_not_found', 'password_mismatch', 'bad_credentials')
    AND (:since IS NULL OR ts >= :since) AND (:until IS NULL OR ts < :until)
),
per_host AS (SELECT net, host, count(*) AS n FROM f GROUP BY net, host)
SELECT f.net, count(*) AS failures, count(DISTINCT f.host) AS hosts, count(DISTINCT f.ip) AS clients, count(DISTINCT f.user) AS users,
       (SELECT max(n) FROM per_host p WHERE p.net = f.net) AS most_on_one_host, min(f.ts) AS first_ts, max(f.ts) AS last_ts
FROM f GROUP BY f.net
HAVING count(*) >= coalesce(:min_failures, 10)
ORDER BY failures DESC, f.net LIMIT coalesce(:limit, 20);
