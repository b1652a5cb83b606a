/** Tags from the user agent, the client's history and its failure rate. */
import type { Tag } from './vocabulary.js';

const MONITOR_UA = /UptimeRobot|Pingdom|StatusCake|Better ?Uptime|Betteruptime|Site24x7|Uptime[- ]?Kuma|NewRelicPinger|Datadog|Zabbix|Nagios|check_http|monitis|Freshping|HetrixTools|Checkly|Oh ?Dear|updown\.io|Hyperping|Cronitor|Pulsetic|Uptime\.com|Jetpack by WordPress\.com|ManageWP|Prometheus|blackbox[-_]exporter|GoogleStackdriverMonitoring|ELB-HealthChecker|kube-probe/i;
const AUTOMATION_UA = /^(?:curl|Wget|python-requests|python-urllib|Python-urllib|Python\/|aiohttp|httpx|Go-http-client|okhttp|Java\/|Apache-HttpClient|libwww-perl|lwp-|PHP\/|GuzzleHttp|node-fetch|node|axios|undici|Ruby|Faraday|rclone|restic|PostmanRuntime|insomnia|HTTPie|Dart\/|reqwest|WordPress\/|WP-Cron|okhttp|Microsoft-WebDAV|davfs2|Cyberduck|Transmit|rest-client|Typhoeus|HTTPClient|Jakarta|Scrapy|Mechanize|PowerShell|WindowsPowerShell|ansible|Terraform|kubectl|Docker-Client|Helm)|\bcron\b/i;

export function userAgentTags(ua: string | null): Tag[] {
  if (ua === null || ua === '' || ua === '-') return ['automation'];
  if (MONITOR_UA.test(ua)) return ['monitor'];
  if (AUTOMATION_UA.test(ua)) return ['automation'];
  return [];
}

export interface BruteForceOptions {
  windowMs: number;
  /** This many 401s from one client within the window... */
  failures: number;
  /** ...or this many distinct user names tried within it. */
  users: number;
}

export const DEFAULT_BRUTE_FORCE: BruteForceOptions = { windowMs: 10 * 60_000, failures: 20, users: 5 };

/**
 * Rows ordered by client then time. Returns the ids of every 401 inside a window where the
 * client crossed a threshold: those are the burst, not just the request that crossed it.
 */
export function bruteForceIds(rows: Iterable<{ id: number; ip: string; ts: number; user: string | null }>, o: BruteForceOptions = DEFAULT_BRUTE_FORCE): Set<number> {
  const tagged = new Set<number>();
  let ip: string | null = null;
  // The client's failures inside the window, oldest first, and how often each user appears.
  let window: { id: number; ts: number; user: string | null }[] = [];
  let start = 0;
  let users = new Map<string, number>();
  let taggedUpTo = 0;
  for (const row of rows) {
    if (row.ip !== ip) {
      ip = row.ip;
      window = [];
      start = 0;
      users = new Map();
      taggedUpTo = 0;
    }
    window.push(row);
    if (row.user !== null) users.set(row.user, (users.get(row.user) ?? 0) + 1);
    while (window[start].ts < row.ts - o.windowMs) {
      const old = window[start++];
      if (old.user !== null) {
        const n = users.get(old.user)! - 1;
        if (n === 0) users.delete(old.user);
        else users.set(old.user, n);
      }
    }
    if (window.length - start >= o.failures || users.size >= o.users) {
      for (let i = Math.max(start, taggedUpTo); i < window.length; i++) tagged.add(window[i].id);
      taggedUpTo = window.length;
    }
  }
  return tagged;
}
