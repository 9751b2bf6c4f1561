// Run as a child process by secret.ts: reads a secret on stdin, prints why it is weak (or nothing).
// The word lists the check loads (≈ 20 MB of heap) leave with this process, not with the server.
import { readFileSync } from 'node:fs';
import { weakSecretReason } from './secret.js';

process.stdout.write(weakSecretReason(readFileSync(0, 'utf8')) ?? '');
