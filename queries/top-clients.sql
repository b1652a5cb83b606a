-- description: clients with the most 401/403, their main cause and how many users they tried
-- params: since, until, cause, limit
WITH top AS (
  SELECT ip, count(*) AS count, sum(status = 401) AS unauthorized, sum(status = 403) AS forbidden,
         count(DISTINCT user) AS users
  FROM report_verdicts
  WHERE (:since IS NULL OR ts >= :since) AND (:until IS NULL OR ts < :until) AND (:cause IS NULL OR cause = :cause)
  GROUP BY ip ORDER BY count DESC, ip LIMIT coalesce(:limit, 10)
)
SELECT top.ip, top.count, top.unauthorized, top.forbidden,
       (SELECT v.cause FROM report_verdicts v WHERE v.ip = top.ip
          AND (:since IS NULL OR v.ts >= :since) AND (:until IS NULL OR v.ts < :until) AND (:cause IS NULL OR v.cause = :cause)
        GROUP BY v.cause ORDER BY count(*) DESC, v.cause LIMIT 1) AS main_cause,
       top.users,
       -- the request rows hold the user agent: read for these few clients only, through the requests' (ip, ts) index
       (SELECT max(ua.text) FROM requests r JOIN report_verdicts v ON v.request_id = r.id JOIN texts ua ON ua.id = r.user_agent_id WHERE r.ip = top.ip
          AND (:since IS NULL OR v.ts >= :since) AND (:until IS NULL OR v.ts < :until) AND (:cause IS NULL OR v.cause = :cause)) AS user_agent
FROM top ORDER BY top.count DESC, top.ip;
