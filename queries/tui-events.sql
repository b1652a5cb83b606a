-- description: one page of the events of one status and cause under the TUI's filters, newest first, with evidence and the access line
-- params: since, until, tag, text, benign, ip, user, path, status, cause, limit, offset
-- local: id, raw, offset
SELECT v.request_id AS id, v.ts, v.ip, v.user, r.method, r.target AS path, v.status, v.cause, v.confidence, v.layer, v.tags,
       ev.text AS evidence, fx.text AS fix, r.raw, r.offset, s.path AS file, r.line, local_host() AS host
FROM report_verdicts v JOIN requests r ON r.id = v.request_id JOIN sources s ON s.id = r.source_id
  JOIN texts ev ON ev.id = v.evidence_id JOIN texts fx ON fx.id = v.fix_id
WHERE v.status = :status AND v.cause = :cause
  AND (:since IS NULL OR v.ts >= :since) AND (:until IS NULL OR v.ts < :until)
  AND (:tag IS NULL OR instr(v.tags, '"' || :tag || '"') > 0)
  AND (:text IS NULL OR instr(v.ip, :text) > 0 OR instr(coalesce(v.user, ''), :text) > 0 OR instr(coalesce(v.path, ''), :text) > 0)
  AND (:ip IS NULL OR v.ip = :ip) AND (:user IS NULL OR v.user = :user) AND (:path IS NULL OR v.path = :path)
  AND (:benign = 1 OR v.benign = 0)
ORDER BY v.ts DESC, coalesce(s.key, 'source-' || s.id) DESC, r.line DESC
LIMIT coalesce(:limit, 50) OFFSET coalesce(:offset, 0);
