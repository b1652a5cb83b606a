/** The server's own auth setup is broken: its user file is missing or unreadable, crypt fails. */
import type { Family } from './types.js';

export const userFile = {
  name: 'user-file',
  causes: {
    auth_file_missing: {
      statuses: [403],
      color: '#b7950b',
      summary: 'the server cannot open its user file: nobody can log in',
      provenBy: 'nginx `open() "FILE" failed (2: …)` (Apache answers 500 for a missing user file, and both servers for an unreadable one: not a 401/403)',
      heuristic: '—',
    },
  },
  signals: {
    auth_file_missing: {
      meaning: 'the user file does not exist',
      statuses: [403],
      patterns: [
        // nginx writes the same text for a missing static file (a 404): the status keeps them apart.
        { formats: ['nginx-error'], re: /^open\(\) "([^"]*)" failed \(2: No such file or directory\)$/, object: 1, objectIsUserFile: true, samples: ['open() "/etc/nginx/.htpasswd" failed (2: No such file or directory)'],
          negatives: ['open() "/etc/nginx/.htpasswd" failed (13: Permission denied)'] },
      ],
    },
    auth_file_unreadable: {
      // Not a 401/403: both servers answer 500 (seen in the lab: nginx 1.22 and Apache 2.4.71,
      // a user file their workers cannot read; Apache for a missing one too, AH01620).
      meaning: 'the user file cannot be opened (nginx: permissions; Apache: missing or permissions): the server answers 500',
      statuses: [],
      patterns: [
        { formats: ['nginx-error'], re: /^open\(\) "([^"]*)" failed \(13: Permission denied\)$/, object: 1, objectIsUserFile: true, samples: ['open() "/etc/nginx/.htpasswd" failed (13: Permission denied)'] },
        { formats: ['apache-error'], re: /^(?:\(\d+\)[^:]*: )?Could not open password file: (.*)$/, object: 1, objectIsUserFile: true,
          samples: ['(13)Permission denied: Could not open password file: /etc/apache2/.htpasswd', '(2)No such file or directory: Could not open password file: /etc/apache2/.htpasswd'],
          // mod_authz_groupfile's AH01665: the group file, not the user file
          negatives: ['(13)Permission denied: Could not open group file: /etc/apache2/groups'] },
      ],
    },
    crypt_failed: {
      meaning: 'the password hash in the user file cannot be checked',
      statuses: [],
      patterns: [
        { formats: ['nginx-error'], re: /^crypt(?:_r)?\(\) failed/, samples: ['crypt_r() failed (22: Invalid argument)'],
          negatives: ['open() "/etc/nginx/.htpasswd" failed (13: Permission denied)'] },
      ],
    },
    auth_request_status: {
      meaning: 'the auth_request subrequest answered an unexpected status',
      statuses: [],
      patterns: [
        { formats: ['nginx-error'], re: /^auth request unexpected status: (\d+)/, object: 1, samples: ['auth request unexpected status: 502 while sending to client'],
          negatives: ['upstream prematurely closed connection while reading response header from upstream'] },
      ],
    },
  },
  rules: [
    { id: 'auth-file-missing', cause: 'auth_file_missing', tier: 'stated', needs: 'error_log', when: { status: 403, signal: ['auth_file_missing'] }, confidence: 'proven', layer: 'event',
      evidence: 'the server could not open its user file',
      fix: 'The user file {file} does not exist: create it (`htpasswd -c {fileArg} USER`) or fix auth_basic_user_file / AuthUserFile.',
      doctor: { title: 'The server\'s user file is missing', confirm: ['ls -l {file}', "nginx -T 2>/dev/null | grep -n 'auth_basic_user_file'"] } },
  ],
} satisfies Family;
