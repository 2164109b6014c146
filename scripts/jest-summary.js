#!/usr/bin/env node
'use strict';
/**
 * Prints the one-line CI verdict "N passed, N failed[, N skipped]" and exits non-zero when
 * anything failed or the run broke. Used by .ci/run.
 *
 *   node scripts/jest-summary.js <jest --json outputFile> <jest log> <jest exit status>
 *
 * Sources, best first: Jest's JSON results; else the last "Tests:" summary line in the log (Jest
 * crashed after reporting); else nothing usable, which reads "0 passed, 1 failed".
 * A suite that fails to run at all (syntax error, import failure) has no test results of its own:
 * it counts as one failed test, so the line never says "0 failed" for a broken run. Likewise a
 * non-zero Jest exit with no failure in the results counts as one failure.
 */
const fs = require('fs');

function fromJson(file) {
  let r;
  try {
    r = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  if (typeof r.numPassedTests !== 'number') return null;
  return {
    passed: r.numPassedTests,
    failed: (r.numFailedTests || 0) + (r.numRuntimeErrorTestSuites || 0),
    skipped: (r.numPendingTests || 0) + (r.numTodoTests || 0),
  };
}

/** Parses Jest's summary line, e.g. "Tests:       1 failed, 2 skipped, 1 todo, 40 passed, 44 total". */
function fromLog(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }

  const lines = text
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((l) => /^\s*Tests:\s/.test(l));
  if (lines.length === 0) return null;
  const count = (word) => Number((new RegExp(`(\\d+) ${word}`).exec(lines[lines.length - 1]) || [])[1] || 0);
  const suites =
    text
      .split('\n')
      .filter((l) => /^\s*Test Suites:\s/.test(l))
      .pop() || '';
  // Suites that failed to run do not show in "Tests:"; they do in "Test Suites:" as failed with no
  // failed tests. Only add them when "Tests:" shows no failure, so nothing is counted twice.
  const failedSuites = Number((/(\d+) failed/.exec(suites) || [])[1] || 0);
  const failed = count('failed') || failedSuites;
  return { passed: count('passed'), failed, skipped: count('skipped') + count('todo') };
}

function summarize(jsonFile, logFile, status) {
  const counts = fromJson(jsonFile) || fromLog(logFile) || { passed: 0, failed: 1, skipped: 0 };
  if (status !== 0 && counts.failed === 0) counts.failed = 1; // the run broke after (or instead of) tests
  let line = `${counts.passed} passed, ${counts.failed} failed`;
  if (counts.skipped) line += `, ${counts.skipped} skipped`;
  return { line, ok: counts.failed === 0 && status === 0 };
}

module.exports = { summarize, fromJson, fromLog };

if (require.main === module) {
  const [jsonFile = '', logFile = '', status = '1'] = process.argv.slice(2);
  const { line, ok } = summarize(jsonFile, logFile, Number(status));
  console.log(line);
  process.exit(ok ? 0 : 1);
}
