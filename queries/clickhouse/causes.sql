-- description: each cause per status with its count, how many are benign (challenge or monitor), proven, and the fix of its most frequent rule
-- params: since, until
-- example: fix
WITH per_rule AS (
  SELECT status, cause, rule, count() AS n, sum(benign) AS benign, countIf(confidence = 'proven') AS proven,
         argMax(fix, (ts, source, line)) AS fix
  FROM verdicts FINAL
  WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)})
  GROUP BY status, cause, rule
)
SELECT status, cause, sum(n) AS count, sum(benign) AS benign, sum(proven) AS proven,
       argMin(fix, (-toInt64(n), rule)) AS fix
FROM per_rule GROUP BY status, cause
ORDER BY status, count DESC, cause;
