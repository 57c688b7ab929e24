#!/usr/bin/env bash
# make test's last line, run by gotestsum after the tests (--post-run-command)
# with the counts in its environment; subtests count, as in go test -v.
errors=""
if [ "${TESTS_ERRORS:-0}" != 0 ]; then errors=" (and ${TESTS_ERRORS} errors outside tests, such as a build failure)"; fi
echo "tests: $((TESTS_TOTAL - TESTS_FAILED - TESTS_SKIPPED)) passed, ${TESTS_FAILED} failed, ${TESTS_SKIPPED} skipped${errors}"
