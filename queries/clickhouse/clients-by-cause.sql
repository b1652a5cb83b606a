-- description: the top clients of each status and cause (3 by default)
-- params: since, until, limit
SELECT status, cause, ip, count FROM (
  SELECT status, cause, ip, count() AS count,
         row_number() OVER (PARTITION BY status, cause ORDER BY count() DESC, ip) AS rank
  FROM verdicts FINAL
  WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)})
  GROUP BY status, cause, ip
) WHERE rank <= coalesce({limit:Nullable(UInt64)}, 3) ORDER BY status, cause, rank;
