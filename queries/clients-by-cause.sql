-- description: the top clients of each status and cause (3 by default)
-- params: since, until, limit
WITH c AS (
  SELECT status, cause, ip, count(*) AS count,
         row_number() OVER (PARTITION BY status, cause ORDER BY count(*) DESC, ip) AS rank
  FROM report_verdicts
  WHERE (:since IS NULL OR ts >= :since) AND (:until IS NULL OR ts < :until)
  GROUP BY status, cause, ip
)
SELECT status, cause, ip, count FROM c WHERE rank <= coalesce(:limit, 3) ORDER BY status, cause, rank;
