import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { startLocalChain, type LocalChain } from "../../sdk/cli/local-chain";
import { isOneSentence, z402, z402Service } from "./support/cli";

describe("z402 node", function () {
  let outDir: string;
  let svc: Awaited<ReturnType<typeof z402Service>>;

  before(async function () {
    outDir = mkdtempSync(path.join(os.tmpdir(), "z402-node-"));
    svc = await z402Service(["node", "--port", "0", "--out-dir", outDir]);
  });
  after(async function () {
    if (svc) expect(await svc.stop()).to.equal(0);
  });

  it("starts a chain with the system deployed that the other commands can use", async function () {
    const banner = svc.banner as {
      rpcUrl: string;
      deploymentFile: string;
      contracts: Record<string, string>;
    };
    expect(banner.deploymentFile).to.equal(path.join(outDir, "31337.json"));
    expect(existsSync(banner.deploymentFile)).to.equal(true);
    const record = JSON.parse(readFileSync(banner.deploymentFile, "utf8"));
    expect(Object.keys(record.contracts)).to.include.members([
      "escrow",
      "depositCollector",
      "identityRegistry",
      "agentFactory",
    ]);
    const list = await z402(["agent", "list", "--rpc", banner.rpcUrl, "--deployment", banner.deploymentFile]);
    expect(list.code, list.stderr).to.equal(0);
    expect(list.stdout.trim()).to.equal("No agents.");
  });

  it("says what it is doing on stderr while it starts (stdout stays the banner)", function () {
    const lines = svc.stderr.trim().split("\n");
    expect(lines[0]).to.equal("z402: loading Hardhat from this repository…");
    expect(lines).to.include("z402: starting the local chain on 127.0.0.1:<any free port>…");
    expect(lines).to.include(
      "z402: compiling the contracts and deploying the system with Ignition (the longest step)…",
    );
    expect(lines).to.include("z402: deploying a local USDC and funding the test accounts…");
  });
});

describe("z402 deploy", function () {
  let chain: LocalChain;

  before(async function () {
    chain = await startLocalChain(hre, { port: 0 });
  });
  after(async function () {
    await chain?.close();
  });

  it("refuses to deploy to a network without an RPC URL, in one sentence", async function () {
    const r = await z402(["deploy", "--network", "base-sepolia", "--key", `0x${"11".repeat(32)}`], {
      BASE_SEPOLIA_RPC_URL: "",
    });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/No RPC URL for base-sepolia: pass --rpc/);
    expect(isOneSentence(r.stderr), r.stderr).to.equal(true);
  });

  it("deploys to a local chain on another port with --port", async function () {
    this.timeout(300_000);
    const outDir = mkdtempSync(path.join(os.tmpdir(), "z402-deploy-"));
    const journal = mkdtempSync(path.join(os.tmpdir(), "z402-ignition-"));
    const port = new URL(chain.url).port;
    const r = await z402(
      ["deploy", "--port", port, "--out-dir", outDir, "--json"],
      { Z402_IGNITION_DIR: journal },
      240_000,
    );
    expect(r.code, r.stderr).to.equal(0);
    const record = JSON.parse(readFileSync(path.join(outDir, "31337.json"), "utf8"));
    const escrow = record.contracts.escrow.address as string;
    expect(await hre.ethers.provider.getCode(escrow)).to.not.equal("0x");
  });
});
