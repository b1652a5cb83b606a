-- description: top clients, users and paths of one status and cause under the TUI's filters
-- params: since, until, tag, text, benign, ip, user, path, status, cause, limit
WITH f AS (
  SELECT ip, user, path FROM report_verdicts
  WHERE status = :status AND cause = :cause
    AND (:since IS NULL OR ts >= :since) AND (:until IS NULL OR ts < :until)
    AND (:tag IS NULL OR instr(tags, '"' || :tag || '"') > 0)
    AND (:text IS NULL OR instr(ip, :text) > 0 OR instr(coalesce(user, ''), :text) > 0 OR instr(coalesce(path, ''), :text) > 0)
    AND (:ip IS NULL OR ip = :ip) AND (:user IS NULL OR user = :user) AND (:path IS NULL OR path = :path)
    AND (:benign = 1 OR benign = 0)
)
SELECT * FROM (SELECT 'client' AS kind, ip AS value, count(*) AS count FROM f GROUP BY ip ORDER BY count DESC, value LIMIT coalesce(:limit, 5))
UNION ALL
SELECT * FROM (SELECT 'user' AS kind, user AS value, count(*) AS count FROM f WHERE user IS NOT NULL GROUP BY user ORDER BY count DESC, value LIMIT coalesce(:limit, 5))
UNION ALL
SELECT * FROM (SELECT 'path' AS kind, path AS value, count(*) AS count FROM f WHERE path IS NOT NULL GROUP BY path ORDER BY count DESC, value LIMIT coalesce(:limit, 5));
