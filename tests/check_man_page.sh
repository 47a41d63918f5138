#!/bin/bash
# A man page names every option its program's --help lists: each command's, or the program's own
# when no command is given. Usage:
#   check_man_page.sh PROGRAM PAGE.1 [COMMAND ...]   (a COMMAND of two words, as "db list", in one argument)
set -u
program=$1 page=$2
shift 2
[ $# -gt 0 ] || set -- ""
# The page's text with roff's escaped hyphens plain: \-\-gc\-window reads --gc-window.
text=$(sed 's/\\-/-/g' "$page")
missing=() count=0
for command in "$@"; do
  # shellcheck disable=SC2086 # a two-word command is two words
  options=$("$program" $command --help 2>&1 | grep -oE '^\s+(-[a-zA-Z], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+')
  [ -n "$options" ] || { echo "FAIL: '$program $command --help' lists no options"; exit 1; }
  for option in $options; do
    count=$((count + 1))
    grep -qE -- "$option([^a-z0-9-]|$)" <<< "$text" || missing+=("${command:+$command }$option")
  done
done
[ ${#missing[@]} -eq 0 ] || { echo "FAIL: $(basename "$page") does not name: ${missing[*]}"; exit 1; }
echo "ok: $(basename "$page") names all $count options"
