/**
 * The client's address is not on the allow-list. Only a log that names the address check
 * proves it: IIS's substatus. nginx writes `access forbidden by rule` for `deny all` too (the
 * usual way to close a path, seen in the lab and in the fail2ban logs), and Apache's AH01630
 * for any refusing Require, so those stay `forbidden`.
 */
import type { Family } from './types.js';

export const allowList = {
  name: 'allow-list',
  causes: {
    ip_not_allowed: {
      statuses: [403],
      color: '#1a5276',
      summary: 'the server\'s IP restrictions refuse the client\'s address: it is not in the allow-list',
      provenBy: 'IIS 403.6 / 403.503 (nginx\'s `access forbidden by rule` is written for `deny all` too, so it stays `forbidden`)',
      heuristic: '—',
    },
  },
  signals: {},
  rules: [
    { id: 'iis-ip-rejected', cause: 'ip_not_allowed', tier: 'server_field', needs: 'access_log', when: { status: 403, extra: { 'sc-substatus': /^(?:6|503)$/ } }, confidence: 'proven', layer: 'iis',
      evidence: 'IIS logged 403.6 or 403.503: the client\'s address is refused by the IP and domain restrictions',
      fix: 'IIS\'s IP and domain restrictions refuse {ip} on {path}: add the address (or its network) to the allowed entries of the site, if it should get in.',
      doctor: { title: 'IIS refuses these addresses (IP and domain restrictions)', confirm: ['curl -v {url}'] } },
  ],
} satisfies Family;
