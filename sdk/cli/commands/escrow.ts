/** Receiver- and payer-side escrow operations: claim, settle, refund, withdraw. */
import { Contract } from "ethers";
import { deploymentOf, openContext, signerOf } from "../context";
import { need } from "../deployment";
import { emit, keyValues } from "../output";
import { formatToken, parseAddress } from "../parse";
import type { Action } from "../program";
import { unavailable } from "./unavailable";

const ESCROW_ABI = [
  "function settle(address receiver, address token)",
  "function receivers(address receiver, address token) view returns (uint128 totalClaimed, uint128 totalSettled)",
  "function channels(bytes32 channelId) view returns (uint128 balance, uint128 totalClaimed)",
];

export const settleCommand: Action = async (_args, options, globals) => {
  const ctx = openContext(globals);
  try {
    const signer = signerOf(ctx);
    const receiver = options.receiver
      ? parseAddress(String(options.receiver), "receiver address")
      : signer.address;
    const token = options.token ? parseAddress(String(options.token), "token address") : undefined;
    const deployment = deploymentOf(ctx);
    const escrow = new Contract(need(deployment, "escrow"), ESCROW_ABI, signer);
    const asset = token ?? need(deployment, "token");
    const [claimed, settledBefore] = (await escrow.receivers(receiver, asset)) as [bigint, bigint];
    const amount = claimed - settledBefore;
    let hash = "";
    if (amount > 0n) {
      const tx = await escrow.settle(receiver, asset);
      hash = (await tx.wait())!.hash;
    }
    emit(globals.json, { receiver, token: asset, settled: amount, transaction: hash }, () =>
      amount === 0n
        ? `Nothing to settle for ${receiver}: everything claimed is already paid out.`
        : keyValues([
            ["settled", formatToken(amount)],
            ["receiver", receiver],
            ["transaction", hash],
          ]),
    );
  } finally {
    ctx.provider.destroy();
  }
};

export const claimCommand = unavailable("claim");
export const refundCommand = unavailable("refund");
export const withdrawCommand = unavailable("withdraw");
