#!/usr/bin/env node
/** The `torchts` command (package.json "bin"): `torchts train ...`, `torchts evaluate ...`; see lib/cli. */
import { main } from '../lib/cli/main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`torchts: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
