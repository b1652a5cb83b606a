-- description: requests seen, 401s and 403s in the time range, and the span they cover
-- params: since, until
SELECT
  (SELECT sum(count) FROM traffic FINAL WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR minute >= {since:Nullable(Int64)} - 59999) AND ({until:Nullable(Int64)} IS NULL OR minute < {until:Nullable(Int64)})) AS requests,
  (SELECT count() FROM verdicts FINAL WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND status = 401 AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)})) AS unauthorized,
  (SELECT count() FROM verdicts FINAL WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND status = 403 AND ({since:Nullable(Int64)} IS NULL OR ts >= {since:Nullable(Int64)}) AND ({until:Nullable(Int64)} IS NULL OR ts < {until:Nullable(Int64)})) AS forbidden,
  (SELECT minOrNull(minute) FROM traffic FINAL WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR minute >= {since:Nullable(Int64)} - 59999) AND ({until:Nullable(Int64)} IS NULL OR minute < {until:Nullable(Int64)})) AS first_minute,
  (SELECT maxOrNull(minute) FROM traffic FINAL WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)}) AND ({since:Nullable(Int64)} IS NULL OR minute >= {since:Nullable(Int64)} - 59999) AND ({until:Nullable(Int64)} IS NULL OR minute < {until:Nullable(Int64)})) AS last_minute;
