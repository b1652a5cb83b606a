/** IIS writes why in the access line itself: the substatus and the Win32 status (W3C log). */
import type { Family } from './types.js';

export const iis = {
  name: 'iis',
  causes: {},
  signals: {},
  // curl only in the doctor's commands: Windows ships it, and the quoting is POSIX.
  rules: [
    { id: 'iis-logon-failed', cause: 'bad_credentials', tier: 'server_field', needs: 'access_log', when: { status: 401, extra: { 'sc-substatus': /^1$/, 'sc-win32-status': /^1326$/ } }, confidence: 'proven', layer: 'iis',
      evidence: 'IIS logged 401.1 with Win32 status 1326: logon failed, unknown user name or bad password (Windows does not say which)',
      fix: 'Windows refused the logon of "{user}": the account does not exist or the password is wrong. Check the account (net user, Active Directory) and the password the client sends.',
      doctor: { title: 'Windows refuses the logon (unknown user or bad password)', confirm: ['curl -v --ntlm -u {user} {url}'] } },
    { id: 'iis-account-refused', cause: 'bad_credentials', tier: 'server_field', needs: 'access_log', when: { status: 401, extra: { 'sc-substatus': /^1$/, 'sc-win32-status': /^(?:1327|1328|1330|1331|1385|1793|1909)$/ } }, confidence: 'proven', layer: 'iis',
      evidence: 'IIS logged 401.1 with an account Win32 status (1327 restriction, 1328 logon hours, 1330 password expired, 1331 disabled, 1385 logon type not granted, 1793 account expired, 1909 locked out)',
      fix: 'Windows knows "{user}" but refuses the account itself (expired or locked out, disabled, outside logon hours, or without the "log on" right): fix the account in Active Directory or the local users, not the password the client sends.',
      doctor: { title: 'Windows refuses the account itself (expired, locked, disabled)', confirm: ['curl -v --ntlm -u {user} {url}'] } },
    { id: 'iis-no-credentials', cause: 'no_credentials', tier: 'server_field', needs: 'access_log', when: { status: 401, extra: { 'sc-substatus': /^2$/ } }, confidence: 'proven', layer: 'iis',
      evidence: 'IIS logged 401.2: the request carried no credentials the site accepts (the first leg of Negotiate/NTLM, or a method the site does not enable)',
      fix: 'No credentials the site accepts were sent to {path}: a browser retries with Negotiate/NTLM by itself; a script must send them (curl --negotiate -u : or --ntlm -u USER), and the site must enable the method the client uses.',
      doctor: { title: 'Clients send no credentials the IIS site accepts', confirm: ['curl -v --negotiate -u : {url}', 'curl -sI {url}'] } },
    { id: 'iis-acl', cause: 'bad_credentials', tier: 'server_field', needs: 'access_log', when: { status: 401, extra: { 'sc-substatus': /^3$/ } }, confidence: 'proven', layer: 'iis',
      evidence: 'IIS logged 401.3: the user is authenticated, and the file\'s ACL denies them',
      fix: 'Windows authenticated "{user}", and the NTFS permissions of {path} do not let them read it: grant the user (or the site\'s anonymous identity) read access, or ask for another account.',
      doctor: { title: 'NTFS permissions refuse an authenticated user', confirm: ['curl -v --ntlm -u {user} {url}'] } },
    { id: 'iis-forbidden', cause: 'forbidden', tier: 'server_field', needs: 'access_log', when: { status: 403, extra: { 'sc-substatus': /^\d+$/ } }, confidence: 'proven', layer: 'iis',
      evidence: 'IIS logged 403 with a substatus saying which refusal (403.4 SSL required, 403.14 directory listing denied, 403.502 too many requests …)',
      fix: 'IIS refuses {path} for {ip}: look the 403 substatus up (SSL settings, directory browsing, request filtering, dynamic IP restrictions) in the site\'s IIS configuration.',
      doctor: { title: 'IIS refuses these requests (403 with a substatus)', confirm: ['curl -v {url}'] } },
  ],
} satisfies Family;
