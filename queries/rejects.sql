-- description: lines that could not be parsed, by reason, with a sample of each (file and line)
-- params: limit
-- example: file, sample_line, sample
SELECT x.reason, count(*) AS count, s.path AS file,
       (SELECT line FROM report_rejects y WHERE y.reason = x.reason ORDER BY y.id LIMIT 1) AS sample_line,
       (SELECT excerpt FROM report_rejects y WHERE y.reason = x.reason ORDER BY y.id LIMIT 1) AS sample
FROM report_rejects x JOIN sources s ON s.id = (SELECT source_id FROM report_rejects y WHERE y.reason = x.reason ORDER BY y.id LIMIT 1)
GROUP BY x.reason ORDER BY count DESC, x.reason LIMIT coalesce(:limit, 20);
