// The terminal prompts, on a played terminal: hidden input echoes nothing and leaves raw mode,
// a new password is typed twice, Ctrl-C cancels, confirmation needs y or yes; off a terminal the
// password is the first line of stdin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { CliError } from '../../src/cli/errors.js';
import { confirm, readHidden, readNewPassword, type PromptIo } from '../../src/cli/prompt.js';

/** A terminal the test types into: keys are written to `input`, what the prompt shows is read from `shown()`. */
function playedTerminal(tty = true) {
  const input = Object.assign(new PassThrough(), { isTTY: tty, rawModes: [] as boolean[] }) as PassThrough & { isTTY: boolean; rawModes: boolean[]; setRawMode?: (mode: boolean) => void };
  if (tty) input.setRawMode = (mode: boolean) => { input.rawModes.push(mode); };
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk) => { text += String(chunk); });
  const io: PromptIo = { input, output };
  return { io, input, shown: () => text };
}

/** Types each string as one chunk, as a terminal in raw mode delivers keys and pastes. */
function type(input: PassThrough, ...keys: string[]) {
  setImmediate(() => { for (const key of keys) input.write(key); });
}

test('the hidden prompt echoes nothing, erases with Backspace, ignores arrow keys, and leaves raw mode at Enter', async () => {
  const { io, input, shown } = playedTerminal();
  type(input, 's', 'ecret', '\u007f\u007f', '\u001b[D', 'é✓', '\r');
  assert.equal(await readHidden(io, 'Password: '), 'secré✓');
  assert.equal(shown(), 'Password: \n');
  assert.deepEqual(input.rawModes, [true, false]);
});

test('Ctrl-C cancels the hidden prompt with exit status 130 and leaves raw mode', async () => {
  const { io, input } = playedTerminal();
  type(input, 'abc', '\u0003');
  await assert.rejects(readHidden(io, 'Password: '), (e: unknown) => e instanceof CliError && e.exitCode === 130);
  assert.deepEqual(input.rawModes, [true, false]);
});

test('a new password on a terminal is typed twice; two different ones change nothing', async () => {
  const same = playedTerminal();
  const typing = readNewPassword(same.io);
  type(same.input, 'a fine long passphrase\r');
  setTimeout(() => same.input.write('a fine long passphrase\r'), 20);
  assert.equal(await typing, 'a fine long passphrase');
  assert.equal(same.shown(), 'New password: \nRepeat it: \n');

  const differ = playedTerminal();
  const mistyped = readNewPassword(differ.io);
  type(differ.input, 'a fine long passphrase\r');
  setTimeout(() => differ.input.write('a fine long passphrase!\r'), 20);
  await assert.rejects(mistyped, (e: unknown) => e instanceof CliError && e.message === 'the two passwords differ; nothing was changed');
});

test('off a terminal the new password is the first line of stdin, asked for without a prompt', async () => {
  const { io, input, shown } = playedTerminal(false);
  input.end('from a pipe\nsecond line\n');
  assert.equal(await readNewPassword(io), 'from a pipe');
  assert.equal(shown(), '');
});

test('confirm says yes only to y or yes, in any case', async () => {
  for (const [answer, expected] of [['y', true], ['YES', true], [' yes ', true], ['', false], ['n', false], ['yep', false], ['no', false]] as const) {
    const { io, input, shown } = playedTerminal();
    input.end(`${answer}\n`);
    assert.equal(await confirm(io, 'Delete user bob?'), expected, JSON.stringify(answer));
    assert.equal(shown(), 'Delete user bob? [y/N] ');
  }
});
