-- description: every source read so far (or those a report on named paths covers): format, position, lines, stored, rejected
-- params:
SELECT local_host() AS host, coalesce(key, 'source-' || id) AS source, path, format, variant, compressed, offset, lines, stored, rejected, invalid_utf8, zone,
       datetime(updated_at / 1000, 'unixepoch') AS updated
FROM report_sources ORDER BY host, updated_at, path;
