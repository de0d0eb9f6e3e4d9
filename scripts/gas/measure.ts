import type { ContractTransactionResponse, TransactionReceipt } from "ethers";
import { getBytes } from "ethers";

/** Intrinsic cost of any transaction (EIP-2028 calldata is added separately). */
const TX_BASE_GAS = 21_000n;

/** What a transaction's calldata costs: 4 gas per zero byte, 16 per non-zero byte. */
export function calldataGas(data: string): bigint {
  let gas = 0n;
  for (const byte of getBytes(data)) gas += byte === 0 ? 4n : 16n;
  return gas;
}

export interface GasFigures {
  /** The receipt's gasUsed: what the sender pays for. */
  total: bigint;
  /** gasUsed less the 21,000 base and calldata: comparable to Foundry's `snapshotGasLastCall`. */
  execution: bigint;
}

/** Waits for a transaction and returns its total and execution gas. */
export async function measure(tx: Promise<ContractTransactionResponse>): Promise<GasFigures> {
  const sent = await tx;
  const receipt = (await sent.wait()) as TransactionReceipt;
  return { total: receipt.gasUsed, execution: receipt.gasUsed - TX_BASE_GAS - calldataGas(sent.data) };
}
