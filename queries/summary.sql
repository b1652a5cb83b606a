-- description: requests seen, 401s and 403s in the time range, and the span they cover
-- params: since, until
SELECT
  (SELECT coalesce(sum(count), 0) FROM traffic WHERE minute >= coalesce(:since - 59999, -9223372036854775808) AND minute < coalesce(:until, 9223372036854775807)) AS requests,
  (SELECT count(*) FROM report_verdicts WHERE status = 401 AND ts >= coalesce(:since, -9223372036854775808) AND ts < coalesce(:until, 9223372036854775807)) AS unauthorized,
  (SELECT count(*) FROM report_verdicts WHERE status = 403 AND ts >= coalesce(:since, -9223372036854775808) AND ts < coalesce(:until, 9223372036854775807)) AS forbidden,
  (SELECT min(minute) FROM traffic WHERE minute >= coalesce(:since - 59999, -9223372036854775808) AND minute < coalesce(:until, 9223372036854775807)) AS first_minute,
  (SELECT max(minute) FROM traffic WHERE minute >= coalesce(:since - 59999, -9223372036854775808) AND minute < coalesce(:until, 9223372036854775807)) AS last_minute;
