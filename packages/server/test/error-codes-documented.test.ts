// The error-code catalogue and the documentation agree: every code the server can answer is
// listed in docs/api.md under its status, so a new code cannot ship undocumented.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_STATUS } from '../src/core/errors.js';

const API_DOC = new URL('../../../../docs/api.md', import.meta.url);

test('every error code of the catalogue is listed in docs/api.md with its status', () => {
  const doc = readFileSync(API_DOC, 'utf8');
  const rows = doc.split('\n').filter((line) => /^\| \d{3}/.test(line));
  for (const [code, status] of Object.entries(ERROR_STATUS)) {
    const row = rows.find((line) => line.includes(`\`${code}\``));
    assert.ok(row, `${code} is not in the error table of docs/api.md`);
    assert.match(row.split('|')[1]!, new RegExp(`\\b${status}\\b`), `${code} is listed under another status than ${status}`);
  }
});
