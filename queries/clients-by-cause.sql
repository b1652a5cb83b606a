-- description: the top clients of each cause (3 by default)
-- params: since, until, limit
WITH c AS (
  SELECT cause, ip, count(*) AS count,
         row_number() OVER (PARTITION BY cause ORDER BY count(*) DESC, ip) AS rank
  FROM verdicts
  WHERE (:since IS NULL OR ts >= :since) AND (:until IS NULL OR ts < :until)
  GROUP BY cause, ip
)
SELECT cause, ip, count FROM c WHERE rank <= coalesce(:limit, 3) ORDER BY cause, rank;
