// npm run dev: TypeScript in watch mode, and the server restarted whenever its build changes, with
// its JSON log lines made readable by pino-pretty. Ends both on Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';

const tsc = ['node_modules/typescript/bin/tsc', '-b'];
// one build first, so the server starts on current code
if (spawnSync(process.execPath, tsc, { stdio: 'inherit' }).status !== 0) process.exit(1);

const children = [
  spawn(process.execPath, [...tsc, '--watch', '--preserveWatchOutput'], { stdio: ['ignore', 'inherit', 'inherit'] }),
];
const server = spawn(process.execPath, [
  '--watch-path=packages/server/dist/src', '--watch-path=packages/verify/dist/src', '--watch-path=packages/client/dist/src',
  'packages/server/dist/src/main.js',
], { stdio: ['ignore', 'pipe', 'inherit'] });
const pretty = spawn(process.execPath, ['node_modules/pino-pretty/bin.js', '--colorize', '--ignore', 'pid,hostname', '--translateTime', 'SYS:HH:MM:ss'], {
  stdio: ['pipe', 'inherit', 'inherit'],
});
server.stdout.pipe(pretty.stdin);
children.push(server, pretty);

const stop = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
server.once('exit', (code) => {
  stop();
  process.exitCode = code ?? 0;
});
