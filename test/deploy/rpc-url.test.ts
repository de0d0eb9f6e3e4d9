import { expect } from "chai";
import { execFile } from "node:child_process";
import hre from "hardhat";
import { DeployError } from "../../scripts/deploy/errors";
import { requireRpcUrl } from "../../scripts/deploy/options";

/** Runs `npm run deploy -- --network <network>` (as `hardhat run`) with `env` on top of a copy without RPC URLs. */
function deploy(
  network: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stderr: string }> {
  const base: NodeJS.ProcessEnv = { ...process.env, Z402_TEST_SCOPE: "", Z402_FORK: "" };
  for (const k of ["BASE_SEPOLIA_RPC_URL", "BASE_RPC_URL", "DEPLOYER_PRIVATE_KEY"]) delete base[k];
  return new Promise((resolve) => {
    execFile(
      "npx",
      ["hardhat", "run", "scripts/deploy.ts", "--network", network],
      { cwd: hre.config.paths.root, env: { ...base, ...env }, timeout: 120_000 },
      (err, _stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stderr: String(stderr) }),
    );
  });
}

describe("scripts/deploy: a public network without its RPC URL", function () {
  this.timeout(180_000);

  it("names the missing variable and how to set it", function () {
    expect(() => requireRpcUrl("baseSepolia", {}))
      .to.throw(DeployError)
      .with.property("shortMessage")
      .match(/^BASE_SEPOLIA_RPC_URL is not set: export BASE_SEPOLIA_RPC_URL=/);
  });

  it("names BASE_RPC_URL for Base mainnet", function () {
    expect(() => requireRpcUrl("base", {})).to.throw(DeployError, /^BASE_RPC_URL is not set/);
  });

  it("lets a network with its variable set, or one without such a variable, through", function () {
    expect(() => {
      requireRpcUrl("baseSepolia", { BASE_SEPOLIA_RPC_URL: "http://127.0.0.1:8545" });
      requireRpcUrl("localhost", {});
    }).to.not.throw();
  });

  it("exits 1 with one line naming BASE_SEPOLIA_RPC_URL and no stack trace, when run without it", async function () {
    const r = await deploy("baseSepolia");
    expect(r.code).to.equal(1);
    expect(r.stderr.trim().split("\n"), r.stderr).to.have.length(1);
    expect(r.stderr.trim()).to.match(
      /^deploy: BASE_SEPOLIA_RPC_URL is not set: export BASE_SEPOLIA_RPC_URL=.*\.$/,
    );
  });

  it("exits 1 with one line naming the variable when its URL does not answer", async function () {
    const r = await deploy("baseSepolia", { BASE_SEPOLIA_RPC_URL: "http://127.0.0.1:9" });
    expect([r.code, r.stderr.trim()]).to.deep.equal([
      1,
      "deploy: Cannot reach network baseSepolia at the RPC URL in BASE_SEPOLIA_RPC_URL: check the URL and that the node is running.",
    ]);
  });
});
