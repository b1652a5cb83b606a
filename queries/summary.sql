-- description: requests seen, 401s and 403s in the time range, and the span they cover
-- params: since, until
SELECT
  (SELECT coalesce(sum(count), 0) FROM report_traffic WHERE (:since IS NULL OR minute >= :since - 59999) AND (:until IS NULL OR minute < :until)) AS requests,
  (SELECT count(*) FROM report_verdicts WHERE status = 401 AND (:since IS NULL OR ts >= :since) AND (:until IS NULL OR ts < :until)) AS unauthorized,
  (SELECT count(*) FROM report_verdicts WHERE status = 403 AND (:since IS NULL OR ts >= :since) AND (:until IS NULL OR ts < :until)) AS forbidden,
  (SELECT min(minute) FROM report_traffic WHERE (:since IS NULL OR minute >= :since - 59999) AND (:until IS NULL OR minute < :until)) AS first_minute,
  (SELECT max(minute) FROM report_traffic WHERE (:since IS NULL OR minute >= :since - 59999) AND (:until IS NULL OR minute < :until)) AS last_minute;
