#!/bin/sh
# Runs a command and checks its exit code exactly, its stdout exactly and that
# its stderr contains a given text.
# usage: expect_cli.sh EXIT STDOUT STDERR_SUBSTRING COMMAND [ARG...]
# STDOUT uses printf escapes ("\n"); an empty STDERR_SUBSTRING matches anything.
expected_exit=$1 expected_out=$2 expected_err=$3
shift 3
out=$("$@" 2>/tmp/expect_cli.$$) ; code=$?
err=$(cat /tmp/expect_cli.$$); rm -f /tmp/expect_cli.$$
want=$(printf "$expected_out")
status=0
if [ "$code" != "$expected_exit" ]; then echo "exit code $code, expected $expected_exit"; status=1; fi
if [ "$out" != "$want" ]; then printf 'stdout:\n%s\nexpected:\n%s\n' "$out" "$want"; status=1; fi
case "$err" in *"$expected_err"*) ;; *) printf 'stderr:\n%s\nexpected to contain: %s\n' "$err" "$expected_err"; status=1 ;; esac
exit $status
