-- description: per hour (UTC): all requests, 401s and 403s
-- params: since, until
WITH t AS (
  SELECT (minute / 3600000) * 3600000 AS hour, sum(count) AS requests,
         sum(CASE WHEN status = 401 THEN count ELSE 0 END) AS unauthorized,
         sum(CASE WHEN status = 403 THEN count ELSE 0 END) AS forbidden
  FROM report_traffic
  WHERE (:since IS NULL OR minute >= :since - 59999) AND (:until IS NULL OR minute < :until)
  GROUP BY hour
)
SELECT hour, requests, unauthorized, forbidden FROM t ORDER BY hour;
