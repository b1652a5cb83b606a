-- description: first and last time of the 401/403s (the TUI's time ranges end at the last)
-- params:
SELECT min(ts) AS first, max(ts) AS last, count(*) AS count FROM report_verdicts;
