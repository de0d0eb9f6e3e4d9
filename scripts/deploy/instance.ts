/**
 * An Ignition journal and a deployments record each describe one instance of a chain. A local node restarted is a
 * new instance under the same chain id (31337): its journal and record then describe contracts that are not there.
 * Ignition would report "Nothing new to deploy" and reading the record back would fail on block numbers the chain
 * has not reached; this finds such a journal first and resets it (local chain) or says what to do (any other chain).
 */
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { DeployError, shownPath } from "./errors";
import { readJournal } from "./journal";
import { LOCAL_CHAIN_ID } from "./options";

/** What the checks need of the chain (an ethers provider has it). */
export interface ChainReader {
  getBlockNumber(): Promise<number>;
  getCode(address: string): Promise<string>;
  getTransactionReceipt(hash: string): Promise<unknown>;
}

/**
 * Why the journal in `deploymentDir` cannot belong to the chain `chain` reads, or `undefined` when it may (or there
 * is no journal): one of its transactions is in a block the chain has not reached, one of the contracts it deployed
 * has no code, or its first transaction is not on the chain (same addresses, but deployed by another run).
 */
export async function foreignJournalReason(
  chain: ChainReader,
  deploymentDir: string,
): Promise<string | undefined> {
  if (!existsSync(path.join(deploymentDir, "journal.jsonl"))) return undefined;
  const txs = readJournal(deploymentDir);
  const head = await chain.getBlockNumber();
  const ahead = txs.find((tx) => tx.blockNumber !== undefined && tx.blockNumber > head);
  if (ahead)
    return `its ${ahead.futureId} was mined in block ${ahead.blockNumber}, the chain is at block ${head}`;
  for (const tx of txs) {
    if (tx.kind !== "deployment" || tx.address === undefined) continue;
    if ((await chain.getCode(tx.address)) === "0x")
      return `its ${tx.futureId} at ${tx.address} has no code on the chain`;
  }
  if (txs.length > 0 && (await chain.getTransactionReceipt(txs[0].transactionHash)) === null)
    return `its ${txs[0].futureId} transaction ${txs[0].transactionHash} is not on the chain`;
  return undefined;
}

/**
 * Makes sure the journal in `deploymentDir` belongs to this chain before Ignition reads it. On the local chain a
 * journal of an earlier run is removed, with one line to `log`; on any other chain it is left alone and a
 * `DeployError` says what to do.
 */
export async function checkJournal(
  chain: ChainReader,
  chainId: number,
  deploymentDir: string,
  log: (line: string) => void = console.error,
): Promise<void> {
  const reason = await foreignJournalReason(chain, deploymentDir);
  if (reason === undefined) return;
  const where = shownPath(deploymentDir);
  if (chainId === LOCAL_CHAIN_ID) {
    rmSync(deploymentDir, { recursive: true, force: true });
    log(
      `The Ignition journal ${where} was left by an earlier run of the local chain (${reason}); removed it and deploying afresh.`,
    );
    return;
  }
  throw new DeployError(
    `The Ignition journal ${where} belongs to another instance of chain ${chainId} (${reason}): point Z402_IGNITION_DIR at a new folder, or move the journal away, and deploy again.`,
  );
}
