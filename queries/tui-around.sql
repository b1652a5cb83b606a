-- description: what the logs hold around one request: the same client's stored access lines nearest in time (two minutes either side) and its error-log lines (ten seconds either side), in time order
-- params: id
-- local: id, raw, offset
WITH q AS (SELECT ip, ts FROM requests WHERE id = :id)
SELECT * FROM (
  SELECT * FROM (
    SELECT r.ts, 'access' AS kind, s.path AS file, r.line, r.id = :id AS self,
           coalesce(r.raw, r.ip || ' ' || coalesce(r.user, '-') || ' "' || coalesce(r.method, '') || ' ' || coalesce(r.target, '') || '" ' || r.status) AS text,
           -- a line the database did not keep: where to read it in its file
           CASE WHEN r.raw IS NULL THEN r.offset END AS offset
    FROM requests r JOIN sources s ON s.id = r.source_id, q
    WHERE r.ip = q.ip AND r.ts BETWEEN q.ts - 120000 AND q.ts + 120000
    ORDER BY r.id = :id DESC, abs(r.ts - q.ts), r.id LIMIT 9
  )
  UNION ALL
  SELECT * FROM (
    SELECT e.ts, 'error' AS kind, s.path AS file, e.line, 0 AS self, e.message AS text, NULL AS offset
    FROM events e JOIN sources s ON s.id = e.source_id, q
    WHERE e.client = q.ip AND e.ts BETWEEN q.ts - 10000 AND q.ts + 10000
    ORDER BY abs(e.ts - q.ts), e.id LIMIT 5
  )
) ORDER BY ts, kind, line;
