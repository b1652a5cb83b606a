-- description: causes per status with counts and benign counts for the TUI's filters (tag, text, benign, a picked client, user or path)
-- params: since, until, tag, text, benign, ip, user, path
SELECT status, cause, count(*) AS count, sum(benign) AS benign, sum(confidence = 'proven') AS proven
FROM report_verdicts
WHERE (:since IS NULL OR ts >= :since) AND (:until IS NULL OR ts < :until)
  AND (:tag IS NULL OR instr(tags, '"' || :tag || '"') > 0)
  AND (:text IS NULL OR instr(ip, :text) > 0 OR instr(coalesce(user, ''), :text) > 0 OR instr(coalesce(path, ''), :text) > 0)
  AND (:ip IS NULL OR ip = :ip) AND (:user IS NULL OR user = :user) AND (:path IS NULL OR path = :path)
  AND (:benign = 1 OR benign = 0)
GROUP BY status, cause ORDER BY count DESC, status, cause;
