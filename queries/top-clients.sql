-- description: clients with the most 401/403, their main cause and the users they tried
-- params: since, until, cause, limit
SELECT r.ip, count(*) AS count, sum(r.status = 401) AS unauthorized, sum(r.status = 403) AS forbidden,
       (SELECT v2.cause FROM requests r2 JOIN verdicts v2 ON v2.request_id = r2.id WHERE r2.ip = r.ip
          GROUP BY v2.cause ORDER BY count(*) DESC LIMIT 1) AS main_cause,
       count(DISTINCT r.user) AS users, max(r.user_agent) AS user_agent
FROM requests r JOIN verdicts v ON v.request_id = r.id
WHERE (:since IS NULL OR r.ts >= :since) AND (:until IS NULL OR r.ts < :until)
  AND (:cause IS NULL OR v.cause = :cause)
GROUP BY r.ip ORDER BY count DESC, r.ip LIMIT coalesce(:limit, 10);
