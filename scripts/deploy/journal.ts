import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** The mined transaction of one Ignition future, as recorded in its journal. */
export interface JournalTransaction {
  futureId: string;
  kind: "deployment" | "call";
  transactionHash: string;
  /** Absent when the journal holds the send but not the confirmation; the caller then reads the receipt. */
  blockNumber?: number;
  /** The created contract's address (deployments only). */
  address?: string;
}

interface JournalLine {
  type: string;
  futureId?: string;
  hash?: string;
  transaction?: { hash: string };
  receipt?: { blockNumber: number; status: string };
  result?: { type: string; address?: string };
}

/**
 * Reads `journal.jsonl` of an Ignition deployment and returns, per completed future, the transaction that did its
 * work (the last one sent: fee bumps replace earlier sends) with its block from the confirmation, in journal order.
 */
export function readJournal(deploymentDir: string): JournalTransaction[] {
  const file = path.join(deploymentDir, "journal.jsonl");
  if (!existsSync(file)) throw new Error(`no Ignition journal at ${file}`);
  const byFuture = new Map<string, JournalTransaction>();
  const done = new Set<string>();
  for (const raw of readFileSync(file, "utf8").split("\n")) {
    if (raw.trim() === "") continue;
    const line = JSON.parse(raw) as JournalLine;
    const id = line.futureId;
    if (id === undefined) continue;
    switch (line.type) {
      case "TRANSACTION_SEND":
        byFuture.set(id, { futureId: id, kind: "call", transactionHash: line.transaction!.hash });
        break;
      case "TRANSACTION_CONFIRM": {
        const tx = byFuture.get(id);
        if (tx && tx.transactionHash === line.hash) tx.blockNumber = line.receipt!.blockNumber;
        break;
      }
      case "DEPLOYMENT_EXECUTION_STATE_COMPLETE":
      case "CALL_EXECUTION_STATE_COMPLETE":
      case "SEND_DATA_EXECUTION_STATE_COMPLETE":
        if (line.result?.type !== "SUCCESS") break;
        done.add(id);
        if (line.type === "DEPLOYMENT_EXECUTION_STATE_COMPLETE" && byFuture.has(id)) {
          Object.assign(byFuture.get(id)!, { kind: "deployment", address: line.result.address });
        }
        break;
    }
  }
  return [...byFuture.values()].filter((tx) => done.has(tx.futureId));
}

/** The addresses of the journal's `contractAt` futures (contracts the deployment did not create itself). */
export function readContractAtAddresses(deploymentDir: string): Map<string, string> {
  const addresses = new Map<string, string>();
  for (const raw of readFileSync(path.join(deploymentDir, "journal.jsonl"), "utf8").split("\n")) {
    if (raw.trim() === "") continue;
    const line = JSON.parse(raw) as { type: string; futureId?: string; contractAddress?: string };
    if (line.type === "CONTRACT_AT_EXECUTION_STATE_INITIALIZE" && line.futureId && line.contractAddress) {
      addresses.set(line.futureId, line.contractAddress);
    }
  }
  return addresses;
}
