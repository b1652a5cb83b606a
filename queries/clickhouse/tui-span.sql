-- description: first and last time of the 401/403s (the TUI's time ranges end at the last)
-- params:
SELECT minOrNull(ts) AS first, maxOrNull(ts) AS last, count() AS count FROM verdicts FINAL WHERE ({host:Nullable(String)} IS NULL OR host = {host:Nullable(String)});
