-- description: every source read so far (or those a report on named paths covers): format, position, lines, stored, rejected
-- params:
SELECT host, source, path, format, variant, compressed, offset, lines, stored, rejected, invalid_utf8, zone,
       formatDateTime(toDateTime(intDiv(updated_at, 1000), 'UTC'), '%Y-%m-%d %H:%i:%S') AS updated
FROM sources FINAL
WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)})
ORDER BY host, updated_at, path;
