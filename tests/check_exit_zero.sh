#!/bin/bash
# Runs a command and prints "exit status N" after its output. CTest ignores a command's exit status
# when a test has PASS_REGULAR_EXPRESSION, so the tests that match output also match this line with
# N = 0: a command that prints the expected text and then fails or crashes does not pass.
# Usage: check_exit_zero.sh COMMAND [ARGS...]
set -o pipefail
"$@"
echo "exit status $?"
