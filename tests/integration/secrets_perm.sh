#!/usr/bin/env bash
# The permission check for a config file holding a secret cannot be
# bypassed by writing it the way libpq, ODBC drivers and libcurl accept
# it: blanks around '=' in conninfo and ODBC strings, a URI, credentials
# in smtp_url.  Each is refused (78, FILE:LINE) and never printed.
. "$(dirname "$0")/../lib/harness.sh"
fg_setup

leaky() { # NAME LINE TEXT: the file is refused with FILE:LINE, the secret never shown
	local f=$FG_TMP/$1 line=$2
	printf '%s\n' "$3" >"$f"
	chmod 644 "$f"
	fg_run snapshot -c "$f" --status
	fg_eq "$1: refused with exit 78" 78 "$FG_RC"
	fg_match "$1: names FILE:LINE and says chmod 600" "$1:$line: config file holds a secret .*chmod 600" "$FG_ERR"
	fg_nomatch "$1: secret not shown" leakyPass42 "$FG_ERR"
}
leaky spaced.conf 2 "[database]
conninfo = host=$PGHOST dbname=flakeguard password = leakyPass42"
leaky odbc.conf 4 "[database]
conninfo =
[connector a]
odbc = DSN=snowsim; PWD = leakyPass42"
leaky smtp.conf 5 "[database]
conninfo =
[email]
from = alerts@example.com
smtp_url = smtp://robot:leakyPass42@mail.example.com:587"
leaky pguri.conf 2 "[database]
conninfo = postgresql://postgres:leakyPass42@%2Ftmp/flakeguard"

# The same value from the environment is fine, and masked when shown.
ok=$FG_TMP/ok.conf
printf '%s\n' "[database]" "conninfo = host=$PGHOST dbname=flakeguard password = \${FG_PW}" >"$ok"
chmod 644 "$ok"
FG_PW=leakyPass42 fg_run snapshot -c "$ok" --status
fg_check "password from the environment: no permission error" test "$FG_RC" -ne 78
fg_done
