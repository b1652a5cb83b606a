-- description: each cause per status with its count, how many are benign (challenge or monitor), proven, and the most common fix
-- params: since, until
WITH v AS (
  SELECT r.status, v.cause, v.confidence, v.fix,
         EXISTS (SELECT 1 FROM json_each(v.tags) WHERE value IN ('challenge', 'monitor')) AS benign
  FROM requests r JOIN verdicts v ON v.request_id = r.id
  WHERE (:since IS NULL OR r.ts >= :since) AND (:until IS NULL OR r.ts < :until)
),
fixes AS (
  SELECT status, cause, fix, count(*) AS n,
         row_number() OVER (PARTITION BY status, cause ORDER BY count(*) DESC, fix) AS rank
  FROM v GROUP BY status, cause, fix
)
SELECT v.status, v.cause, count(*) AS count, sum(v.benign) AS benign,
       sum(v.confidence = 'proven') AS proven, f.fix AS fix
FROM v JOIN fixes f ON f.status = v.status AND f.cause = v.cause AND f.rank = 1
GROUP BY v.status, v.cause
ORDER BY v.status, count DESC, v.cause;
