/**
 * Builds the dApp with Vite for production, against the SDK's dist/ (built by `npm run build`, which `npm test`
 * runs before this suite; built here when missing so the file also runs on its own).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "../../..");

export interface BuiltPage {
  dir: string;
  /** Bytes of every emitted asset (JS, CSS, HTML). */
  bytes: number;
}

export function buildPage(outDir: string): BuiltPage {
  if (!existsSync(path.join(root, "dist/esm/browser.js"))) {
    execFileSync("npx", ["tsup"], { cwd: root, stdio: "inherit" });
  }
  execFileSync("npx", ["vite", "build", "examples/dapp", "--logLevel", "warn"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, Z402_DAPP_OUT: outDir },
  });
  return { dir: outDir, bytes: sizeOf(outDir) };
}

function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    const stat = statSync(full);
    total += stat.isDirectory() ? sizeOf(full) : full.endsWith(".map") ? 0 : stat.size;
  }
  return total;
}
