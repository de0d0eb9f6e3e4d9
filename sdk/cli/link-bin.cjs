/**
 * The `prepare` script (run by `npm ci` and `npm install`): links `z402` into this repository's own
 * node_modules/.bin, which npm does for the packages a project installs but never for the project's own `bin`, so
 * the documented `npx z402 …` works in a fresh clone. The link runs dev-bin.cjs (the CLI from the sources).
 * Never fails the install: if it cannot link, it says how to run the CLI instead.
 */
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "../..");
const binDir = path.join(root, "node_modules", ".bin");
const link = path.join(binDir, "z402");
const launcher = path.join(__dirname, "dev-bin.cjs");

try {
  fs.mkdirSync(binDir, { recursive: true });
  fs.rmSync(link, { force: true });
  fs.symlinkSync(path.relative(binDir, launcher), link);
  fs.chmodSync(launcher, 0o755);
} catch (err) {
  process.stderr.write(
    `z402: could not link node_modules/.bin/z402 (${err.message}); run the CLI with \`node sdk/cli/dev-bin.cjs\` instead.\n`,
  );
}
