import { expect } from "chai";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { isReviewedWarning, visibleDiagnostics, type SolcOutput } from "../../tasks/compiler-warnings";

const run = promisify(execFile);
const root = path.resolve(__dirname, "../..");

const TRANSIENT = "Transient storage as defined by EIP-1153";
const RESTRICT_TO_PURE = "Function state mutability can be restricted to pure";

// A small source tree that still pulls OpenZeppelin through node_modules: compiling it from scratch proves the
// compiler comes from the npm `solc` package (every contract is compiled offline by coverage anyway). It also
// takes OpenZeppelin's transient reentrancy guard (the reviewed warning) and earns one warning of its own.
const PROBE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
contract OfflineProbe is EIP712("probe", "1"), ReentrancyGuardTransient {
    function guarded() external nonReentrant {}
    function couldBePure() external view returns (uint256) { return 1; }
}
`;

/** Compiles `source` (as `Probe.sol`, cancun) with the npm `solc`, asking for the ASTs as Hardhat does. */
function solcOutput(source: string): SolcOutput {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { compile(input: string, callbacks: object): string };
  const input = {
    language: "Solidity",
    sources: { "Probe.sol": { content: source } },
    settings: { evmVersion: "cancun", outputSelection: { "*": { "": ["ast"] } } },
  };
  const read = (p: string) => ({ contents: readFileSync(require.resolve(p), "utf8") });
  return JSON.parse(solc.compile(JSON.stringify(input), { import: read })) as SolcOutput;
}

describe("toolchain", function () {
  let compiled: { stdout: string; stderr: string; artifacts: boolean };

  // One `hardhat compile` of the probe, from scratch, in a child process that may reach no network.
  before(async function () {
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
      const { stdout, stderr } = await run("npx", ["hardhat", "compile", "--force", "--no-typechain"], {
        cwd: root,
        env,
        maxBuffer: 16 << 20,
      });
      compiled = { stdout, stderr, artifacts: existsSync(path.join(scratch, "artifacts")) };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
      rmSync(sources, { recursive: true, force: true });
    }
  });

  it("compiles from scratch with all network access refused", function () {
    expect(compiled.stdout).to.match(/Compiled \d+ Solidity files? successfully/);
    expect(compiled.artifacts).to.equal(true);
  });

  it("prints every warning but OpenZeppelin's reviewed transient-storage one", function () {
    expect(compiled.stderr).to.include(RESTRICT_TO_PURE);
    expect(compiled.stderr).to.include("OfflineProbe.sol");
    expect(compiled.stderr).not.to.include(TRANSIENT);
  });

  describe("the reviewed-warning filter", function () {
    it("drops the transient-storage warning only where solc reports it in OpenZeppelin's TransientSlot", function () {
      const output = solcOutput(PROBE);
      const transient = output.errors!.filter((d) => d.message.startsWith(TRANSIENT));
      expect(transient.map((d) => d.sourceLocation?.file)).to.deep.equal([
        "@openzeppelin/contracts/utils/TransientSlot.sol",
      ]);
      expect(visibleDiagnostics(output).map((d) => d.message)).to.deep.equal([RESTRICT_TO_PURE]);
      // The same message reported in another file is not the reviewed one.
      const elsewhere = { ...transient[0], sourceLocation: { file: "Probe.sol" } };
      expect(isReviewedWarning(elsewhere, output)).to.equal(false);
    });

    it("keeps it when another source uses tstore too (solc warns once, at the first use it meets)", function () {
      const own = PROBE.replace(
        "function couldBePure()",
        "function own() external { assembly { tstore(0, 1) } }\n    function couldBePure()",
      );
      const output = solcOutput(own);
      const transient = output.errors!.filter((d) => d.message.startsWith(TRANSIENT));
      expect(transient).to.have.length(1);
      expect(visibleDiagnostics(output)).to.include(transient[0]);
    });
  });
});
