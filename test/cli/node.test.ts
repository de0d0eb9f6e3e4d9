import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isOneSentence, z402, z402Service } from "./support/cli";

describe("z402 node and deploy", function () {
  it("starts a chain with the system deployed that the other commands can use, and stops on SIGINT", async function () {
    const outDir = mkdtempSync(path.join(os.tmpdir(), "z402-node-"));
    const svc = await z402Service(["node", "--port", "0", "--out-dir", outDir]);
    try {
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
      const list = await z402([
        "agent",
        "list",
        "--rpc",
        banner.rpcUrl,
        "--deployment",
        banner.deploymentFile,
      ]);
      expect(list.code, list.stderr).to.equal(0);
      expect(list.stdout.trim()).to.equal("No agents.");
    } finally {
      expect(await svc.stop()).to.equal(0);
    }
  });

  it("refuses to deploy to a network without an RPC URL, in one sentence", async function () {
    const r = await z402(["deploy", "--network", "base-sepolia", "--key", `0x${"11".repeat(32)}`], {
      BASE_SEPOLIA_RPC_URL: "",
    });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/No RPC URL for base-sepolia: pass --rpc/);
    expect(isOneSentence(r.stderr), r.stderr).to.equal(true);
  });

  it("refuses a local deployment aimed anywhere but the z402 node port, in one sentence", async function () {
    const r = await z402(["deploy", "--rpc", "http://127.0.0.1:9999"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/Local deployments go to http:\/\/127\.0\.0\.1:8545/);
  });
});
