-- description: lines that could not be parsed, by reason, with a sample of each (file and line)
-- params: limit
-- example: file, sample_line, sample
SELECT reason, count() AS count, argMin(file, (host, source, line)) AS file,
       argMin(line, (host, source, line)) AS sample_line, argMin(excerpt, (host, source, line)) AS sample
FROM rejects FINAL
WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)})
GROUP BY reason ORDER BY count DESC, reason LIMIT coalesce({limit:Nullable(UInt64)}, 20);
