// A native module built for another Node.js: one line naming the module, the Node.js it was built
// for and `npm rebuild`, instead of Node's five-line message cut off before its cause.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StoreConnectError } from '../../src/storage/errors.js';
import { nativeModuleMismatch } from '../../src/storage/native-module.js';

/** Node's ERR_DLOPEN_FAILED text (src/node_binding.cc) for a module of NODE_MODULE_VERSION 115 (Node.js 20) loaded by another Node. */
const dlopenFailure = () => Object.assign(new Error(
  "The module '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\n"
  + 'was compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\n'
  + `NODE_MODULE_VERSION ${process.versions.modules}. Please try re-compiling or re-installing\nthe module (for instance, using \`npm rebuild\` or \`npm install\`).`,
), { code: 'ERR_DLOPEN_FAILED' });

test('names the module, the Node.js it was built for, this Node.js and npm rebuild, in one line', () => {
  assert.equal(nativeModuleMismatch(dlopenFailure()), `the native module better-sqlite3 was built for Node.js 20, and this is Node.js ${process.versions.node}: `
    + 'run `npm rebuild` (or reinstall) with this Node.js');
  assert.equal(nativeModuleMismatch(new Error('SQLITE_CANTOPEN')), undefined);
});

test('the store\'s start error carries that line in place of the cut-off message', () => {
  const error = new StoreConnectError('DATABASE_URL', 'the SQLite file ./data/gatehouse.db', dlopenFailure());
  assert.match(error.message, /^DATABASE_URL: cannot open the SQLite file \.\/data\/gatehouse\.db: the native module better-sqlite3 was built for Node\.js 20, .*npm rebuild/);
  assert.doesNotMatch(error.message, /\n/);
});
