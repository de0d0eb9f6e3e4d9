import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = path.resolve(__dirname, "../..");

describe("toolchain", function () {
  it("compiles every contract from scratch with all network access refused", async function () {
    const scratch = mkdtempSync(path.join(os.tmpdir(), "z402-offline-"));
    try {
      const env = {
        ...process.env,
        NODE_OPTIONS: `--require ${path.join(root, "test/helpers/no-network.cjs")}`,
        Z402_HARDHAT_CACHE: path.join(scratch, "cache"),
        Z402_HARDHAT_ARTIFACTS: path.join(scratch, "artifacts"),
        TS_NODE_TRANSPILE_ONLY: "1",
      };
      const { stdout } = await run("npx", ["hardhat", "compile", "--force", "--no-typechain"], {
        cwd: root,
        env,
        maxBuffer: 16 << 20,
      });
      expect(stdout).to.match(/Compiled \d+ Solidity files? successfully|Nothing to compile/);
      expect(existsSync(path.join(scratch, "artifacts"))).to.equal(true);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
