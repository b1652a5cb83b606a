-- description: each cause per status with its count, how many are benign (challenge or monitor), proven, and the fix of its most frequent rule
-- params: since, until
-- example: fix
WITH per_rule AS (
  SELECT status, cause, rule, count(*) AS n, sum(benign) AS benign, sum(confidence = 'proven') AS proven,
         max(request_id) AS example,
         row_number() OVER (PARTITION BY status, cause ORDER BY count(*) DESC, rule) AS rank
  FROM report_verdicts
  WHERE (:since IS NULL OR ts >= :since) AND (:until IS NULL OR ts < :until)
  GROUP BY status, cause, rule
),
per_cause AS (
  SELECT status, cause, sum(n) AS count, sum(benign) AS benign, sum(proven) AS proven,
         max(CASE WHEN rank = 1 THEN example END) AS example
  FROM per_rule GROUP BY status, cause
)
SELECT c.status, c.cause, c.count, c.benign, c.proven, fx.text AS fix
FROM per_cause c JOIN report_verdicts v ON v.request_id = c.example JOIN texts fx ON fx.id = v.fix_id
ORDER BY c.status, c.count DESC, c.cause;
