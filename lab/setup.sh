#!/usr/bin/env bash
# Installs what the lab needs from Debian when it is missing (nginx, Apache, WordPress). Debian starts a package's
# service on install; the lab runs its own server processes only, so a policy-rc.d keeps
# the system services from starting while the packages go in.
set -euo pipefail
need=()
[ -x /usr/sbin/nginx ] || need+=(nginx)
[ -x /usr/sbin/apache2 ] || need+=(apache2)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
# WordPress (Debian's 6.1) on php-fpm 8.2 with MariaDB: lab/wordpress.ts.
[ -f /usr/share/wordpress/wp-login.php ] || need+=(wordpress)
[ -x /usr/sbin/php-fpm8.2 ] || need+=(php8.2-fpm)
php -m 2>/dev/null | grep -qx mysqli || need+=(php8.2-mysql)
[ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
# The HTML report is checked in a real browser (lab/html.test.ts).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "lab: needs ${need[*]} (run as root to install them)" >&2
  exit 77
fi
created=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  created=1
fi
cleanup() { if [ "$created" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
