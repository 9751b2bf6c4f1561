#!/usr/bin/env node
// The `gatehouse` command. A committed file, so npm links the bin even before the first build
// (in this repository `npm install` runs before `tsc -b`); the CLI itself is compiled TypeScript.
await import('../dist/src/cli.js');
