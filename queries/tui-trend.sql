-- description: per status and cause, counts in 12 equal time buckets of the range (for a sparkline)
-- params: since, until, tag, text, benign, ip, user, path
SELECT status, cause, min(11, CAST((ts - :since) * 12 / max(1, :until - :since) AS INTEGER)) AS bucket, count(*) AS count
FROM report_verdicts
WHERE ts >= :since AND ts < :until
  AND (:tag IS NULL OR instr(tags, '"' || :tag || '"') > 0)
  AND (:text IS NULL OR instr(ip, :text) > 0 OR instr(coalesce(user, ''), :text) > 0 OR instr(coalesce(path, ''), :text) > 0)
  AND (:ip IS NULL OR ip = :ip) AND (:user IS NULL OR user = :user) AND (:path IS NULL OR path = :path)
  AND (:benign = 1 OR benign = 0)
GROUP BY status, cause, bucket ORDER BY status, cause, bucket;
