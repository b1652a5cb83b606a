/** What classification knows about one 401/403: the request, its correlated line, its tags. */
import type { Signal } from './signals.js';
import type { Evidence, Tag } from './vocabulary.js';

export interface AuthRequest {
  id: number;
  ts: number;
  ip: string;
  user: string | null;
  userLogged: boolean;
  method: string | null;
  target: string | null;
  path: string | null;
  status: number;
  bytes: number | null;
  userAgent: string | null;
  host: string | null;
  scheme: string | null;
  upstreamStatus: string | null;
  /** '' when the format logs $sent_http_www_authenticate and none was sent; null when not logged. */
  wwwAuthenticate: string | null;
  endpoint: string | null;
  /** Format-specific fields (HAProxy's server, IIS's substatus and Win32 status), or null. */
  extra: Record<string, string> | null;
  file: string;
  line: number;
}

export interface SignalEvent {
  id: number;
  ts: number;
  format: 'nginx-error' | 'apache-error' | 'wordpress-debug' | 'wp-fail2ban' | 'lighttpd-error';
  client: string | null;
  method: string | null;
  target: string | null;
  signal: Signal;
  user: string | null;
  object: string | null;
  message: string;
  file: string;
  line: number;
}

export interface Facts {
  req: AuthRequest;
  event: SignalEvent | null;
  tags: Set<Tag>;
  /** Whether the earlier successes behind previously_ok carried a Basic user. */
  priorBasic: boolean | null;
  /** How long before this request the client's first success behind previously_ok came (ms). */
  workedForMs: number | null;
  /** Evidence lines for tags (the success after a challenge, say). */
  tagEvidence: Evidence[];
}
