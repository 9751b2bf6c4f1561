// A native module (better-sqlite3, argon2, bcrypt) built for another Node.js, as after switching
// Node 20 → 24 without reinstalling: Node's message runs over five lines and names ABI numbers;
// this says in one line which module, which Node it was built for, and `npm rebuild`.
import { basename } from 'node:path';

/** NODE_MODULE_VERSION → Node.js major (https://nodejs.org/en/about/previous-releases, "NODE_MODULE_VERSION"). */
const NODE_OF_ABI: Readonly<Record<string, string>> = {
  '108': '18', '115': '20', '120': '21', '127': '22', '131': '23', '137': '24', '141': '25',
};

/** The one line for Node's "compiled against a different Node.js version" error, or undefined for any other. */
export function nativeModuleMismatch(error: unknown): string | undefined {
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message !== 'string') return undefined;
  const match = /The module '([^']+)'\s+was compiled against a different Node\.js version using\s+NODE_MODULE_VERSION (\d+)\./.exec(message);
  if (!match) return undefined;
  const [, path, abi] = match;
  const builtFor = NODE_OF_ABI[abi!] ? `Node.js ${NODE_OF_ABI[abi!]}` : `another Node.js (NODE_MODULE_VERSION ${abi})`;
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path!)?.[1] ?? basename(path!);
  return `the native module ${module} was built for ${builtFor}, and this is Node.js ${process.versions.node}: `
    + 'run `npm rebuild` (or reinstall) with this Node.js';
}

/** Walks the cause chain (a store wraps the driver's error) for the mismatch. */
export function nativeModuleMismatchIn(error: unknown): string | undefined {
  for (let cause = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const line = nativeModuleMismatch(cause);
    if (line) return line;
  }
  return undefined;
}
