/** A web application firewall (ModSecurity) refused the request: a 403 cause of its own. */
import type { Family } from './types.js';

export const waf = {
  name: 'waf',
  causes: {
    waf_blocked: {
      statuses: [403],
      color: '#6c3483',
      summary: 'a web application firewall rule (ModSecurity) blocked the request',
      provenBy: 'ModSecurity `Access denied with code 403 (phase N)` in nginx\'s or Apache\'s error log (the rule id goes into the fix)',
      heuristic: '—',
    },
  },
  signals: {
    waf_denied: {
      meaning: 'ModSecurity denied the request',
      statuses: [403],
      patterns: [
        // fail2ban's apache-modsecurity and nginx-modsecurity test logs: the rule id is anywhere
        // in the bracketed fields, before or after the verdict.
        { formats: ['nginx-error', 'apache-error'], re: /^(?:\[client [^\]]+\] )?ModSecurity: (?=.*?Access denied with code (\d{3}))(?=(?:.*?\[id "(\d+)"\])?)/, object: 2,
          samples: ['[client 172.16.224.1] ModSecurity: Access denied with code 403 (phase 2).  [file "/etc/nginx/waf/REQUEST-942.conf"] [line "43"] [id "942100"] [uri "/foo"]'],
          negatives: ['ModSecurity: Warning. Matched "Operator `Ge\' with parameter `5\'" [id "949110"]'] },
      ],
    },
  },
  rules: [
    { id: 'modsecurity-denied', cause: 'waf_blocked', tier: 'stated', needs: 'error_log', when: { status: 403, signal: ['waf_denied'] }, confidence: 'proven', layer: 'event',
      evidence: 'ModSecurity denied the request',
      fix: 'ModSecurity rule {object} blocked {ip} on {path}: if the request is legitimate, exclude that rule for this location (SecRuleRemoveById {object}, or ctl:ruleRemoveById in an exclusion rule); if not, the block is working.',
      doctor: { title: 'ModSecurity blocks these requests', confirm: ["grep -n 'ModSecurity: Access denied' {errorlog} | tail", "grep -rn 'SecRuleEngine\\|SecRuleRemoveById' /etc/modsecurity/ /etc/nginx/ /etc/apache2/"] } },
  ],
} satisfies Family;
