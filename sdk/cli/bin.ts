#!/usr/bin/env node
/** The `z402` executable (built to dist/cli.js). */
import { main } from "./main";

main(process.argv).then(
  (code) => {
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`z402: unexpected failure: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
