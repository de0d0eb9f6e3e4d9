import { execFileSync } from "node:child_process";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { isFuture, type Future, type IgnitionModule } from "@nomicfoundation/ignition-core";
import { readContractAtAddresses, readJournal, type JournalTransaction } from "./journal";
import type { CompilerSettings, DeployedContract, DeploymentCall, DeploymentRecord } from "./types";

export interface RecordInput {
  module: IgnitionModule;
  deploymentDir: string;
  deploymentId: string;
}

/**
 * Builds the deployments record of a finished Ignition deployment: addresses and transactions from the journal
 * (blocks missing from it are read from the receipts), compiler settings from the build info, and the git commit.
 */
export async function buildRecord(
  hre: HardhatRuntimeEnvironment,
  input: RecordInput,
): Promise<DeploymentRecord> {
  const chainId = Number((await hre.ethers.provider.getNetwork()).chainId);
  const journal = await withBlocks(hre, readJournal(input.deploymentDir));
  const byFuture = new Map(journal.map((tx) => [tx.futureId, tx]));
  const addresses = readContractAtAddresses(input.deploymentDir);
  const contracts: Record<string, DeployedContract> = {};
  const compilers: CompilerSettings[] = [];
  for (const [name, future] of Object.entries(input.module.results)) {
    const created = await creationOf(hre, future, byFuture, addresses);
    if (created === undefined || !("contractName" in future)) {
      throw new Error(`future ${future.id} (${name}) has no deployment transaction in the journal`);
    }
    const artifact = await hre.artifacts.readArtifact(future.contractName);
    compilers.push(await compilerOf(hre, `${artifact.sourceName}:${artifact.contractName}`));
    contracts[name] = {
      contractName: artifact.contractName,
      sourceName: artifact.sourceName,
      address: hre.ethers.getAddress(created.address),
      futureId: future.id,
      transactionHash: created.tx.transactionHash,
      blockNumber: created.tx.blockNumber!,
      ...(created.tx.futureId === future.id ? {} : { createdBy: created.tx.futureId }),
    };
  }
  const calls: DeploymentCall[] = journal
    .filter((tx) => tx.kind === "call")
    .map((tx) => ({
      futureId: tx.futureId,
      transactionHash: tx.transactionHash,
      blockNumber: tx.blockNumber!,
    }));
  const startBlock = Math.min(...Object.values(contracts).map((c) => c.blockNumber));
  const block = await hre.ethers.provider.getBlock(startBlock);
  return {
    schema: 1,
    chainId,
    network: `eip155:${chainId}`,
    genesisHash: (await hre.ethers.provider.getBlock(0))!.hash!,
    deploymentId: input.deploymentId,
    module: input.module.id,
    startBlock,
    deployedAt: new Date(Number(block!.timestamp) * 1000).toISOString(),
    git: gitState(),
    compiler: sameCompiler(compilers),
    contracts,
    calls,
  };
}

/**
 * The transaction that created a result's contract. A deployment future has its own; a `contractAt` future (a
 * contract made by another contract's constructor, like the factory's AgentAccount implementation) is credited to
 * the deployment among its dependencies in whose block its code appeared.
 */
async function creationOf(
  hre: HardhatRuntimeEnvironment,
  future: Future,
  byFuture: Map<string, JournalTransaction>,
  addresses: Map<string, string>,
): Promise<{ tx: JournalTransaction; address: string } | undefined> {
  const own = byFuture.get(future.id);
  if (own?.kind === "deployment") return { tx: own, address: own.address! };
  const address = addresses.get(future.id);
  if (address === undefined) return undefined;
  for (const dependency of deploymentsBehind(future)) {
    const tx = byFuture.get(dependency.id);
    if (tx?.kind !== "deployment") continue;
    const before = await hre.ethers.provider.getCode(address, tx.blockNumber! - 1);
    const after = await hre.ethers.provider.getCode(address, tx.blockNumber!);
    if (before === "0x" && after !== "0x") return { tx, address };
  }
  return undefined;
}

/** The futures a future depends on, transitively, nearest first. */
function deploymentsBehind(future: Future): Future[] {
  const seen = new Map<string, Future>();
  const queue: Future[] = [future];
  while (queue.length > 0) {
    for (const dependency of queue.shift()!.dependencies) {
      if (!isFuture(dependency) || seen.has(dependency.id)) continue;
      seen.set(dependency.id, dependency);
      queue.push(dependency);
    }
  }
  return [...seen.values()];
}

/** Fills in blocks the journal lacks (a send whose confirmation was not journaled) from the transaction receipts. */
async function withBlocks(
  hre: HardhatRuntimeEnvironment,
  txs: JournalTransaction[],
): Promise<JournalTransaction[]> {
  for (const tx of txs) {
    if (tx.blockNumber !== undefined) continue;
    const receipt = await hre.ethers.provider.getTransactionReceipt(tx.transactionHash);
    if (receipt === null) throw new Error(`transaction ${tx.transactionHash} of ${tx.futureId} is not mined`);
    tx.blockNumber = receipt.blockNumber;
    if (tx.kind === "deployment" && tx.address === undefined && receipt.contractAddress)
      tx.address = receipt.contractAddress;
  }
  return txs;
}

async function compilerOf(
  hre: HardhatRuntimeEnvironment,
  fullyQualifiedName: string,
): Promise<CompilerSettings> {
  const info = await hre.artifacts.getBuildInfo(fullyQualifiedName);
  if (info === undefined) throw new Error(`no build info for ${fullyQualifiedName}`);
  const settings = info.input.settings;
  return {
    solc: info.solcLongVersion,
    optimizer: { enabled: settings.optimizer.enabled ?? false, runs: settings.optimizer.runs ?? 200 },
    evmVersion: settings.evmVersion ?? "default",
    viaIR: settings.viaIR ?? false,
  };
}

function sameCompiler(all: CompilerSettings[]): CompilerSettings {
  const distinct = new Set(all.map((c) => JSON.stringify(c)));
  if (distinct.size !== 1)
    throw new Error(`deployed contracts were compiled with different settings: ${[...distinct].join(" | ")}`);
  return all[0];
}

function gitState(): DeploymentRecord["git"] {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    const status = execFileSync("git", ["status", "--porcelain", "--", "contracts", "ignition/modules"], {
      encoding: "utf8",
    });
    return { commit, dirty: status.trim() !== "" };
  } catch {
    return { commit: null, dirty: false };
  }
}
