import { expect } from "chai";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = path.resolve(__dirname, "../..");

// A small source tree that still pulls OpenZeppelin through node_modules: compiling it from scratch proves the
// compiler comes from the npm `solc` package (every contract is compiled offline by coverage anyway).
const PROBE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
contract OfflineProbe is EIP712("probe", "1") {}
`;

describe("toolchain", function () {
  it("compiles from scratch with all network access refused", async function () {
    const scratch = mkdtempSync(path.join(os.tmpdir(), "z402-offline-"));
    const sources = path.join(root, "cache", `offline-probe-${path.basename(scratch)}`);
    try {
      // Hardhat compiles only sources inside the project: the probe goes to a scratch folder under cache/.
      mkdirSync(sources, { recursive: true });
      writeFileSync(path.join(sources, "OfflineProbe.sol"), PROBE);
      const env = {
        ...process.env,
        Z402_HARDHAT_SOURCES: sources,
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
      expect(stdout).to.match(/Compiled \d+ Solidity files? successfully/);
      expect(existsSync(path.join(scratch, "artifacts"))).to.equal(true);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
      rmSync(sources, { recursive: true, force: true });
    }
  });
});
