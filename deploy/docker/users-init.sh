#!/bin/sh
# Writes a Trainyard users file with one ADMIN user and a random password, unless the file is
# already there (a restart keeps the credential). Run from the ingress image, which holds the
# bcrypt hasher:
#   users-init.sh FILE [TENANT] [USER]
# The password is printed once, on standard output; only its bcrypt hash is stored.
set -eu

file="${1:?usage: users-init.sh FILE [TENANT] [USER]}"
tenant="${2:-dev}"
user="${3:-admin}"

if [ -s "$file" ]; then
    echo "trainyard: users file $file exists; keeping it"
    exit 0
fi

password="$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)"
# The password goes in on standard input, so it never shows in the process list.
hash="$(printf '%s\n' "$password" | java -cp "${TRAINYARD_CLASSPATH:-/app/app.jar:/app/lib/*}" io.trainyard.ingress.HashPassword)"

umask 077
tmp="$file.tmp.$$"
printf '[{"tenant":"%s","user":"%s","passwordHash":"%s","roles":["READ","CREATE","UPDATE","ADMIN"]}]\n' \
    "$tenant" "$user" "$hash" >"$tmp"
mv "$tmp" "$file"
echo "trainyard: wrote $file"
echo "trainyard: credential $tenant/$user:$password  (shown once; curl -u '$tenant/$user:<password>')"
