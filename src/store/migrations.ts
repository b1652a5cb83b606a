/**
 * Versioned schema. Each entry moves the database from version i to i+1 (PRAGMA user_version);
 * a released migration is never edited, only followed by a new one.
 */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    format TEXT NOT NULL,
    variant TEXT,
    dev INTEGER,
    ino INTEGER,
    size INTEGER,
    mtime_ms INTEGER,
    fingerprint TEXT NOT NULL,
    fp_len INTEGER NOT NULL,
    compressed INTEGER NOT NULL DEFAULT 0,
    offset INTEGER NOT NULL DEFAULT 0,
    lines INTEGER NOT NULL DEFAULT 0,
    stored INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    invalid_utf8 INTEGER NOT NULL DEFAULT 0,
    zone TEXT,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX sources_fingerprint ON sources(fingerprint);

  -- Every 401 and 403 in full ('auth'), the requests around them that classification needs
  -- ('context'), and with --keep-all every other request ('all').
  CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    line INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    ip TEXT NOT NULL,
    user TEXT,
    -- 0 when the log format does not record $remote_user: absence then proves nothing
    user_logged INTEGER NOT NULL,
    method TEXT,
    target TEXT,
    path TEXT,
    -- first two directories of path: the key of client_ok
    endpoint TEXT,
    protocol TEXT,
    status INTEGER NOT NULL,
    bytes INTEGER,
    referer TEXT,
    user_agent TEXT,
    forwarded_for TEXT,
    host TEXT,
    scheme TEXT,
    upstream_status TEXT,
    request_time REAL,
    www_authenticate TEXT,
    extra TEXT,
    raw TEXT,
    kept TEXT NOT NULL,
    UNIQUE (source_id, line)
  );
  CREATE INDEX requests_ip_ts ON requests(ip, ts);
  -- classification pages through the 401/403s in time order
  CREATE INDEX requests_auth_ts ON requests(ts, id) WHERE status IN (401, 403);

  -- Error-log and debug.log entries; signal is what an auth-related message states.
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    line INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    format TEXT NOT NULL,
    level TEXT,
    module TEXT,
    code TEXT,
    pid INTEGER,
    conn INTEGER,
    client TEXT,
    server TEXT,
    request TEXT,
    method TEXT,
    target TEXT,
    path TEXT,
    upstream TEXT,
    host TEXT,
    referrer TEXT,
    message TEXT NOT NULL,
    signal TEXT,
    signal_user TEXT,
    signal_object TEXT,
    UNIQUE (source_id, line)
  );
  CREATE INDEX events_client_ts ON events(client, ts);
  CREATE INDEX events_ts ON events(ts);

  CREATE TABLE rejects (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    line INTEGER NOT NULL,
    reason TEXT NOT NULL,
    excerpt TEXT NOT NULL,
    UNIQUE (source_id, line)
  );

  -- Ordinary traffic as counts per minute and status.
  CREATE TABLE traffic (
    minute INTEGER NOT NULL,
    status INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (minute, status)
  ) WITHOUT ROWID;

  -- Each client's successes per path, so "it worked before" needs no full request history.
  CREATE TABLE client_ok (
    ip TEXT NOT NULL,
    path TEXT NOT NULL,
    count INTEGER NOT NULL,
    -- successes that carried a Basic user: "it worked before" with Basic vs. with a token
    with_user INTEGER NOT NULL,
    -- successes over https, when the format logs $scheme
    https INTEGER NOT NULL,
    first_ts INTEGER NOT NULL,
    last_ts INTEGER NOT NULL,
    PRIMARY KEY (ip, path)
  ) WITHOUT ROWID;

  -- One per 401/403. The request's ts, status, ip, user, path and user agent are copied in
  -- so that reports scan this one table.
  CREATE TABLE verdicts (
    -- no foreign key: verdicts are rebuilt wholesale, and DELETE of a plain table is a truncate
    request_id INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    status INTEGER NOT NULL,
    ip TEXT NOT NULL,
    user TEXT,
    path TEXT,
    user_agent TEXT,
    -- a browser's challenge or a monitor: expected, not a failure
    benign INTEGER NOT NULL,
    cause TEXT NOT NULL,
    confidence TEXT NOT NULL,
    layer TEXT NOT NULL,
    rule TEXT NOT NULL,
    tags TEXT NOT NULL,
    evidence TEXT NOT NULL,
    fix TEXT NOT NULL
  );
  CREATE INDEX verdicts_ts ON verdicts(ts);
  CREATE INDEX verdicts_ip ON verdicts(ip, ts);

  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  `
  -- Triage: clients, users and paths marked as expected (a monitor, a known scanner) or
  -- handled. Reports, events and the live view leave them out unless asked (--all).
  CREATE TABLE suppressions (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('client', 'user', 'path')),
    value TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('expected', 'handled')),
    created_at INTEGER NOT NULL,
    UNIQUE (kind, value)
  );
  -- Covers what reports and the TUI group by, so their scans skip the wide evidence and fix
  -- columns; it also serves the TUI, which reads one status and cause at a time.
  CREATE INDEX verdicts_report ON verdicts(status, cause, rule, confidence, benign, layer, ts, ip, user, path, tags);
  `,
  `
  -- "Does the site serve https?" is asked every live round; without this the answer was a
  -- scan of every client's success row (6 ms at 115k rows). Holds only https rows.
  CREATE INDEX client_ok_https ON client_ok(ip) WHERE https > 0;
  -- Every verdict paid for this index (a quarter of its insert time); the queries that used
  -- it (top clients, brute force) are as fast or faster grouping without it (230 -> 19 ms at 80k verdicts).
  DROP INDEX verdicts_ip;
  `,
  `
  -- Processes writing this database, so one that has to wait can say for whom. A row a killed
  -- process left behind is ignored (its pid no longer runs).
  CREATE TABLE writers (
    pid INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    started_at INTEGER NOT NULL
  );
  `,
  `
  -- key: a stable name for a source (its first fingerprint), so consumers of events have a
  -- (source, line) key that does not repeat after rotation. owner_pid: the process following
  -- it; others leave it alone while that process runs.
  ALTER TABLE sources ADD COLUMN key TEXT;
  ALTER TABLE sources ADD COLUMN owner_pid INTEGER;
  UPDATE sources SET key = substr(fingerprint, 1, 16);
  `,  `
  -- Traffic per source, so a report on named paths counts their requests only (one database
  -- may hold the samples beside a site). Counts written before have no source (0): they are
  -- in reports over the whole database only.
  CREATE TABLE traffic_by_source (
    minute INTEGER NOT NULL,
    source_id INTEGER NOT NULL,
    status INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (minute, source_id, status)
  ) WITHOUT ROWID;
  INSERT INTO traffic_by_source SELECT minute, 0, status, count FROM traffic;
  DROP TABLE traffic;
  ALTER TABLE traffic_by_source RENAME TO traffic;
  `,
  `
  -- The outbox of authlog ship: what changed since a fleet store last acknowledged it. Rows
  -- come from triggers that \`authlog ship\` creates on first use, so a database that never
  -- ships pays nothing. kind: v verdict (request_id), t traffic delta (minute, source_id,
  -- status, delta), o a client's successes (ip, path), r a rejected line (source_id, line).
  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    request_id INTEGER,
    minute INTEGER,
    source_id INTEGER,
    status INTEGER,
    delta INTEGER,
    ip TEXT,
    path TEXT,
    line INTEGER
  );
  -- Per fleet store: the outbox position it acknowledged.
  CREATE TABLE ship_targets (
    target TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    shipped_rows INTEGER NOT NULL DEFAULT 0,
    shipped_at INTEGER,
    -- the end of a batch sent but not yet acknowledged: a retry sends at least that far, so
    -- a batch's partial counts are only ever replaced by a superset of themselves
    pending INTEGER
  );
  `,
  `
  -- Verdict texts stored once (src/store/texts.ts): a verdict holds the ids of its evidence
  -- and fix. The 1M bench's 80k verdicts held 25.6 MB of these texts, 9 MB of them distinct.
  CREATE TABLE texts (
    id INTEGER PRIMARY KEY,
    -- textHash(text): the lookup key, 8 bytes where a UNIQUE index would repeat the text
    hash INTEGER NOT NULL,
    text TEXT NOT NULL
  );
  CREATE INDEX texts_hash ON texts(hash);
  INSERT INTO texts (hash, text) SELECT text_hash(t), t FROM (SELECT evidence AS t FROM verdicts UNION SELECT fix FROM verdicts);
  ALTER TABLE verdicts ADD COLUMN evidence_id INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE verdicts ADD COLUMN fix_id INTEGER NOT NULL DEFAULT 0;
  UPDATE verdicts SET
    evidence_id = (SELECT id FROM texts WHERE hash = text_hash(verdicts.evidence) AND text = verdicts.evidence),
    fix_id = (SELECT id FROM texts WHERE hash = text_hash(verdicts.fix) AND text = verdicts.fix);
  ALTER TABLE verdicts DROP COLUMN evidence;
  ALTER TABLE verdicts DROP COLUMN fix;
  `,
  `
  -- Where a stored request's line starts in its source (in the decompressed content of a
  -- .gz). Requests read from a plain file keep this instead of the line (raw is NULL): the
  -- line is read from the file when shown. Rows stored before keep their raw line.
  ALTER TABLE requests ADD COLUMN offset INTEGER;
  -- The request row holds the user agent; the few queries that show it join it from there.
  ALTER TABLE verdicts DROP COLUMN user_agent;
  `,
  `
  -- User agents and referers repeat from request to request: stored once each in texts, as
  -- evidence is (5.5 and 1.9 MB of the 1M bench's 80k request rows).
  INSERT INTO texts (hash, text)
    SELECT text_hash(t), t FROM (SELECT user_agent AS t FROM requests WHERE user_agent IS NOT NULL UNION SELECT referer FROM requests WHERE referer IS NOT NULL)
    WHERE NOT EXISTS (SELECT 1 FROM texts x WHERE x.hash = text_hash(t) AND x.text = t);
  ALTER TABLE requests ADD COLUMN user_agent_id INTEGER;
  ALTER TABLE requests ADD COLUMN referer_id INTEGER;
  UPDATE requests SET
    user_agent_id = (SELECT id FROM texts WHERE hash = text_hash(requests.user_agent) AND text = requests.user_agent),
    referer_id = (SELECT id FROM texts WHERE hash = text_hash(requests.referer) AND text = requests.referer)
  WHERE user_agent IS NOT NULL OR referer IS NOT NULL;
  ALTER TABLE requests DROP COLUMN user_agent;
  ALTER TABLE requests DROP COLUMN referer;
  `,
];
