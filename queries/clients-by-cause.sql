-- description: the top clients of each status and cause (3 by default)
-- params: since, until, limit
WITH c AS (
  SELECT status, cause, ip, count(*) AS count,
         row_number() OVER (PARTITION BY status, cause ORDER BY count(*) DESC, ip) AS rank
  FROM report_verdicts
  WHERE ts >= coalesce(:since, -9223372036854775808) AND ts < coalesce(:until, 9223372036854775807)
  GROUP BY status, cause, ip
)
SELECT status, cause, ip, count FROM c WHERE rank <= coalesce(:limit, 3) ORDER BY status, cause, rank;
