import { expect } from "chai";
import { execFile, execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import SystemModule from "../../ignition/modules/System";
import { deploySystem } from "../../scripts/deploy/deploy-system";
import { resolveOptions, type DeployOptions } from "../../scripts/deploy/options";
import { buildRecord } from "../../scripts/deploy/record";
import type { DeploymentRecord } from "../../scripts/deploy/types";
import { loadDeployment } from "../../sdk/cli/deployment";
import { contractAddress } from "../../sdk/networks/deployments";
import { loadDeployments, writeDeploymentsFile } from "../../sdk/networks/deployments-node";

const SYSTEM_CONTRACTS = [
  "escrow",
  "depositCollector",
  "identityRegistry",
  "reputationRegistry",
  "validationRegistry",
  "agentFactory",
  "agentAccountImpl",
];

function scratchOptions(): DeployOptions {
  const options = resolveOptions(hre, 31337, {});
  return {
    ...options,
    deploymentDir: mkdtempSync(path.join(os.tmpdir(), "z402-ignition-")),
    outDir: mkdtempSync(path.join(os.tmpdir(), "z402-deployments-")),
  };
}

describe("scripts/deploy: the System module on the in-process chain", function () {
  async function deployedFixture() {
    const options = scratchOptions();
    const { record, file } = await deploySystem(hre, options, SystemModule);
    const text = readFileSync(file, "utf8");
    return { options, record, file, text, blockAfter: await hre.ethers.provider.getBlockNumber() };
  }

  const at = async (record: DeploymentRecord, name: string, contractName: string) =>
    hre.ethers.getContractAt(contractName, record.contracts[name].address);

  it("writes <outDir>/31337.json", async function () {
    const { options, file } = await loadFixture(deployedFixture);
    expect(file).to.equal(path.join(options.outDir, "31337.json"));
  });

  it("describes the chain, the module and the Ignition deployment", async function () {
    const { record } = await loadFixture(deployedFixture);
    expect([record.schema, record.chainId, record.network, record.module, record.deploymentId]).to.deep.equal(
      [1, 31337, "eip155:31337", "System", "chain-31337"],
    );
  });

  it("records the hash of the chain's block 0, which tells instances of the chain apart", async function () {
    const { record } = await loadFixture(deployedFixture);
    expect(record.genesisHash).to.equal((await hre.ethers.provider.getBlock(0))!.hash);
  });

  it("records every contract of the System module under its future name", async function () {
    const { record } = await loadFixture(deployedFixture);
    expect(Object.keys(record.contracts)).to.have.members(Object.keys(SystemModule.results));
    expect(Object.keys(record.contracts)).to.include.members(SYSTEM_CONTRACTS);
  });

  it("records for each contract the transaction and block that created it", async function () {
    const { record } = await loadFixture(deployedFixture);
    for (const c of Object.values(record.contracts).filter((c) => c.createdBy === undefined)) {
      const receipt = await hre.ethers.provider.getTransactionReceipt(c.transactionHash);
      expect([receipt?.contractAddress, receipt?.blockNumber, receipt?.status]).to.deep.equal([
        c.address,
        c.blockNumber,
        1,
      ]);
    }
  });

  it("credits the AgentAccount implementation to the factory's deployment, in whose block its code appeared", async function () {
    const { record } = await loadFixture(deployedFixture);
    const { agentAccountImpl: impl, agentFactory: factory } = record.contracts;
    expect([impl.createdBy, impl.transactionHash, impl.blockNumber]).to.deep.equal([
      factory.futureId,
      factory.transactionHash,
      factory.blockNumber,
    ]);
    expect(await hre.ethers.provider.getCode(impl.address, impl.blockNumber - 1)).to.equal("0x");
  });

  it("records contracts that hold their artifact's code", async function () {
    const { record } = await loadFixture(deployedFixture);
    for (const c of Object.values(record.contracts)) {
      const artifact = await hre.artifacts.readArtifact(`${c.sourceName}:${c.contractName}`);
      const code = await hre.ethers.provider.getCode(c.address);
      // Immutables differ from the artifact's placeholders; the length and the metadata tail do not.
      expect([code.length, code.slice(-100)]).to.deep.equal([
        artifact.deployedBytecode.length,
        artifact.deployedBytecode.slice(-100),
      ]);
    }
  });

  it("records the calls made after the contracts were created", async function () {
    const { record } = await loadFixture(deployedFixture);
    expect(record.calls.map((c) => c.futureId)).to.deep.equal(["Agents#setFactory"]);
    for (const call of record.calls) {
      const receipt = await hre.ethers.provider.getTransactionReceipt(call.transactionHash);
      expect([receipt?.blockNumber, receipt?.status]).to.deep.equal([call.blockNumber, 1]);
    }
  });

  it("starts at the first deployment block and dates it by that block", async function () {
    const { record } = await loadFixture(deployedFixture);
    const first = Math.min(...Object.values(record.contracts).map((c) => c.blockNumber));
    const block = await hre.ethers.provider.getBlock(first);
    expect([record.startBlock, record.deployedAt]).to.deep.equal([
      first,
      new Date(Number(block!.timestamp) * 1000).toISOString(),
    ]);
  });

  it("records the compiler settings of the Hardhat config", async function () {
    const { record } = await loadFixture(deployedFixture);
    const { settings } = hre.config.solidity.compilers[0];
    expect(record.compiler.solc.startsWith(hre.config.solidity.compilers[0].version)).to.equal(true);
    expect([record.compiler.optimizer, record.compiler.evmVersion, record.compiler.viaIR]).to.deep.equal([
      settings.optimizer,
      settings.evmVersion,
      false,
    ]);
  });

  it("records the git commit deployed from", async function () {
    const { record } = await loadFixture(deployedFixture);
    expect(record.git.commit).to.equal(
      execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim(),
    );
  });

  it("wires the deposit collector to the escrow", async function () {
    const { record } = await loadFixture(deployedFixture);
    const collector = await at(record, "depositCollector", "ERC3009DepositCollector");
    expect(await collector.getFunction("escrow")()).to.equal(record.contracts.escrow.address);
  });

  it("gives the factory role to the agent factory", async function () {
    const { record } = await loadFixture(deployedFixture);
    const identity = await at(record, "identityRegistry", "IdentityRegistry");
    expect(await identity.getFunction("factory")()).to.equal(record.contracts.agentFactory.address);
  });

  it("leaves the deployer unable to move the factory role", async function () {
    const { record } = await loadFixture(deployedFixture);
    const identity = await at(record, "identityRegistry", "IdentityRegistry");
    await expect(
      identity.getFunction("setFactory")(hre.ethers.Wallet.createRandom().address),
    ).to.be.revertedWithCustomError(identity, "IdentityFactoryAlreadySet");
  });

  it("reads blocks the journal lacks from the transaction receipts", async function () {
    const { options, record } = await loadFixture(deployedFixture);
    const copy = mkdtempSync(path.join(os.tmpdir(), "z402-ignition-copy-"));
    cpSync(options.deploymentDir, copy, { recursive: true });
    const journal = path.join(copy, "journal.jsonl");
    const lines = readFileSync(journal, "utf8").split("\n");
    writeFileSync(journal, lines.filter((line) => !line.includes('"TRANSACTION_CONFIRM"')).join("\n"));
    const rebuilt = await buildRecord(hre, {
      module: SystemModule,
      deploymentDir: copy,
      deploymentId: "chain-31337",
    });
    expect(rebuilt.contracts).to.deep.equal(record.contracts);
  });

  it("is read by the SDK's deployments loader", async function () {
    const { options, record } = await loadFixture(deployedFixture);
    const loaded = await loadDeployments(31337, options.outDir);
    expect(SYSTEM_CONTRACTS.map((name) => contractAddress(loaded, name))).to.deep.equal(
      SYSTEM_CONTRACTS.map((name) => record.contracts[name].address),
    );
  });

  it("sends no transaction when re-run on a finished deployment", async function () {
    const { options, blockAfter } = await loadFixture(deployedFixture);
    await deploySystem(hre, options, SystemModule);
    expect(await hre.ethers.provider.getBlockNumber()).to.equal(blockAfter);
  });

  it("rewrites the same bytes when re-run on a finished deployment", async function () {
    const { options, text, file } = await loadFixture(deployedFixture);
    await deploySystem(hre, options, SystemModule);
    expect(readFileSync(file, "utf8")).to.equal(text);
  });

  it("keeps the usdc z402 node recorded when a new deployment onto the same chain is written", async function () {
    const { options, record, file } = await loadFixture(deployedFixture);
    const usdc = { contractName: "MockEIP3009Token", address: hre.ethers.Wallet.createRandom().address };
    await writeDeploymentsFile(file, { ...record, contracts: { ...record.contracts, usdc } });
    const fresh = { ...options, deploymentDir: mkdtempSync(path.join(os.tmpdir(), "z402-ignition-")) };
    const again = await deploySystem(hre, fresh, SystemModule);
    const cli = loadDeployment(31337, again.file);
    expect([cli.token, cli.escrow === record.contracts.escrow.address]).to.deep.equal([usdc.address, false]);
  });

  it("runs as `hardhat run scripts/deploy.ts` with its folders from the environment", async function () {
    this.timeout(120_000);
    const outDir = mkdtempSync(path.join(os.tmpdir(), "z402-deployments-"));
    const env = { ...process.env, Z402_DEPLOYMENTS_DIR: outDir, Z402_TEST_SCOPE: "", Z402_FORK: "" };
    await promisify(execFile)("npx", ["hardhat", "run", "scripts/deploy.ts"], {
      env,
      cwd: hre.config.paths.root,
    });
    const record = JSON.parse(readFileSync(path.join(outDir, "31337.json"), "utf8")) as DeploymentRecord;
    expect(Object.keys(record.contracts)).to.include.members(SYSTEM_CONTRACTS);
  });
});
