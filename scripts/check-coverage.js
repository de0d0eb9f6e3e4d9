// Fails when any contract folder is below the project's coverage floor (lines and branches).
const fs = require("node:fs");
const path = require("node:path");

const FLOOR = 95;
const FOLDERS = ["contracts/escrow", "contracts/identity", "contracts/agents"];
const summaryPath = path.resolve(__dirname, "../coverage/coverage-summary.json");
const summary = JSON.parse(fs.readFileSync(summaryPath, "utf8"));

let failed = false;
for (const folder of FOLDERS) {
  // solidity-coverage keys files by absolute or by project-relative path, depending on its version.
  const prefix = path.resolve(__dirname, "..", folder) + path.sep;
  const files = Object.entries(summary).filter(
    ([file]) => file !== "total" && path.resolve(__dirname, "..", file).startsWith(prefix),
  );
  if (files.length === 0) {
    console.log(`${folder}: no contracts yet`);
    continue;
  }
  for (const metric of ["lines", "branches"]) {
    const total = files.reduce((n, [, s]) => n + s[metric].total, 0);
    const covered = files.reduce((n, [, s]) => n + s[metric].covered, 0);
    const pct = total === 0 ? 100 : (100 * covered) / total;
    const ok = pct >= FLOOR;
    failed ||= !ok;
    console.log(`${folder} ${metric}: ${pct.toFixed(2)}% (${covered}/${total}) ${ok ? "ok" : `< ${FLOOR}%`}`);
  }
}
process.exit(failed ? 1 : 0);
