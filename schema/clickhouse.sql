-- authlog's fleet store on ClickHouse, applied by `authlog ship --init` (or by hand after
-- replacing {{db}} and {{ttl_days}}). Every table is a ReplacingMergeTree keyed by where a row
-- came from: a row shipped twice (a retry, a crash before the acknowledgement) or again (a
-- request re-classified when its error line came late) is one row, the highest version kept.
-- Queries read them with FINAL. Times are epoch milliseconds (UTC), as in the SQLite store.
--
-- IP addresses and user names are personal data: every table holding them expires rows
-- {{ttl_days}} days after their time (authlog ship --init --retention-days N).
--
-- Deduplication of a batch sent twice relies on insert_deduplication_token, which a table
-- that is not replicated honours only with non_replicated_deduplication_window set.

CREATE DATABASE IF NOT EXISTS {{db}};

-- One row per 401/403, with its verdict. Key: (host, source, line); source is the stable
-- name of a log across rotations (the SQLite sources.key).
CREATE TABLE IF NOT EXISTS {{db}}.verdicts (
  host LowCardinality(String),
  source String,
  line UInt64,
  file String,
  ts Int64,
  status UInt16,
  ip String,
  user Nullable(String),
  method LowCardinality(Nullable(String)),
  -- the request line's target (path and query) and the request's Host header and scheme
  target Nullable(String),
  vhost Nullable(String),
  scheme LowCardinality(Nullable(String)),
  path Nullable(String),
  user_agent Nullable(String),
  benign UInt8,
  -- the cause catalogue grows with authlog: LowCardinality, not an Enum that each new cause would ALTER
  cause LowCardinality(String),
  confidence Enum8('proven' = 1, 'heuristic' = 2),
  layer LowCardinality(String),
  rule LowCardinality(String),
  tags Array(LowCardinality(String)),
  evidence String,
  fix String,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(toDateTime(intDiv(ts, 1000), 'UTC'))
ORDER BY (host, ts, source, line)
TTL toDateTime(intDiv(ts, 1000), 'UTC') + INTERVAL {{ttl_days}} DAY
SETTINGS non_replicated_deduplication_window = 1000;

-- Requests per minute, source and status, as partial counts: one row per change of the
-- local count (seq: its place in the host's outbox), so a change sent again, in whatever
-- batch, replaces its own row and never adds to it. Readers sum them.
CREATE TABLE IF NOT EXISTS {{db}}.traffic (
  host LowCardinality(String),
  source String,
  minute Int64,
  status UInt16,
  seq UInt64,
  count UInt64,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(toDateTime(intDiv(minute, 1000), 'UTC'))
ORDER BY (host, minute, source, status, seq)
TTL toDateTime(intDiv(minute, 1000), 'UTC') + INTERVAL {{ttl_days}} DAY
SETTINGS non_replicated_deduplication_window = 1000;

-- Each client's successes per endpoint on each host: "it worked before", across hosts.
CREATE TABLE IF NOT EXISTS {{db}}.client_ok (
  host LowCardinality(String),
  ip String,
  path String,
  count UInt64,
  with_user UInt64,
  https UInt64,
  first_ts Int64,
  last_ts Int64,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (host, ip, path)
TTL toDateTime(intDiv(last_ts, 1000), 'UTC') + INTERVAL {{ttl_days}} DAY
SETTINGS non_replicated_deduplication_window = 1000;

-- Lines no parser could read, with an excerpt (log text, so personal data too).
CREATE TABLE IF NOT EXISTS {{db}}.rejects (
  host LowCardinality(String),
  source String,
  line UInt64,
  file String,
  reason LowCardinality(String),
  excerpt String,
  shipped_at DateTime('UTC'),
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (host, source, line)
TTL shipped_at + INTERVAL {{ttl_days}} DAY
SETTINGS non_replicated_deduplication_window = 1000;

-- The log files each host read: path, format, lines.
CREATE TABLE IF NOT EXISTS {{db}}.sources (
  host LowCardinality(String),
  source String,
  path String,
  format LowCardinality(String),
  variant Nullable(String),
  compressed UInt8,
  offset UInt64,
  lines UInt64,
  stored UInt64,
  rejected UInt64,
  invalid_utf8 UInt64,
  zone Nullable(String),
  updated_at Int64,
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (host, source, path)
SETTINGS non_replicated_deduplication_window = 1000;
