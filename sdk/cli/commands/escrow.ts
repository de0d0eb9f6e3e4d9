/** Receiver- and payer-side escrow operations: claim, settle, refund, withdraw. */
import { Contract } from "ethers";
import { ESCROW_ABI } from "../abi";
import { chainTime, findChannel } from "../channels-scan";
import { deploymentOf, openContext, signerOf } from "../context";
import { need } from "../deployment";
import { emit, keyValues } from "../output";
import { formatToken, parseAddress, parseBytes32, parseTokenAmount } from "../parse";
import { CliError } from "../errors";
import type { Action } from "../action";
import { existsSync } from "node:fs";
import { EthersEscrowChain } from "../../server/chain";
import { describeQuarantined, SettlementWorker } from "../../settlement";
import { SqliteVoucherStore } from "../../store/sqlite";

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

/** Claims what the server's voucher store says was served, in batched `claimWithSignature` transactions. */
export const claimCommand: Action = async (_args, options, globals) => {
  const file = String(options.store);
  if (!existsSync(file)) throw new CliError(`No voucher store at ${file}: pass the server's --store file`);
  const ctx = openContext(globals);
  const store = new SqliteVoucherStore({ filename: file });
  try {
    const signer = signerOf(ctx);
    const chain = new EthersEscrowChain(
      BigInt(ctx.network.chainId),
      need(deploymentOf(ctx), "escrow"),
      signer,
    );
    const report = await new SettlementWorker({ store, chain, authorizer: signer, settle: false }).run();
    // Channels the chain refused: held back (not retried until their voucher changes), listed one per line.
    const held = report.quarantined.map((q) => ["quarantined", describeQuarantined(q)] as [string, string]);
    emit(globals.json, report, () =>
      report.claimedChannels === 0
        ? [
            held.length === 0
              ? "Nothing to claim: every served voucher is already claimed."
              : "Nothing claimed. Held back because the chain refused their vouchers (retried when they change):",
            ...(held.length ? [keyValues(held)] : []),
          ].join("\n")
        : keyValues([
            ["claimed", formatToken(report.claimedAmount)],
            ["channels", String(report.claimedChannels)],
            ["transactions", report.transactions.join(", ")],
            ...held,
            ["next", "z402 settle (moves the claimed funds to the receiver)"],
          ]),
    );
  } finally {
    await store.close();
    ctx.provider.destroy();
  }
};
/** Sends one channel transaction (refund or withdraw) and prints what moved. */
async function channelTx(
  args: string[],
  options: Record<string, unknown>,
  globals: Parameters<Action>[2],
  send: (
    escrow: Contract,
    row: Awaited<ReturnType<typeof findChannel>>,
    amount: bigint,
  ) => Promise<{ hash: string }>,
  verb: string,
): Promise<void> {
  const ctx = openContext(globals);
  try {
    const channelId = parseBytes32(args[0]);
    const requested = options.amount !== undefined ? parseTokenAmount(String(options.amount)) : undefined;
    const signer = signerOf(ctx);
    const escrow = new Contract(need(deploymentOf(ctx), "escrow"), ESCROW_ABI, signer);
    const row = await findChannel(escrow, channelId);
    const unclaimed = row.balance - row.totalClaimed;
    const amount =
      verb === "withdrawn"
        ? row.pendingWithdrawal < unclaimed
          ? row.pendingWithdrawal
          : unclaimed
        : (requested ?? unclaimed);
    const tx = await send(escrow, row, amount);
    const receipt = await (tx as unknown as { wait(): Promise<{ hash: string }> }).wait();
    emit(globals.json, { channelId, action: verb, amount, transaction: receipt.hash }, () =>
      keyValues([
        [verb, formatToken(amount)],
        ["channel", channelId],
        ["transaction", receipt.hash],
      ]),
    );
  } finally {
    ctx.provider.destroy();
  }
}

export const refundCommand: Action = (args, options, globals) =>
  channelTx(args, options, globals, (escrow, row, amount) => escrow.refund(row.config, amount), "refunded");

export const withdrawCommand: Action = async (args, options, globals) => {
  if (!options.finalize) {
    return channelTx(
      args,
      options,
      globals,
      (escrow, row, amount) => escrow.initiateWithdraw(row.config, amount),
      "withdrawal started",
    );
  }
  return channelTx(
    args,
    options,
    globals,
    async (escrow, row) => {
      if (row.pendingWithdrawal === 0n) {
        throw new CliError(
          "There is no pending withdrawal on this channel: run `z402 withdraw` without --finalize first",
        );
      }
      const now = await chainTime(escrow.runner!.provider!);
      if (now < row.withdrawReadyAt) {
        throw new CliError(
          `The withdrawal is ready at ${new Date(row.withdrawReadyAt * 1000).toISOString()}, not yet`,
        );
      }
      return escrow.finalizeWithdraw(row.config);
    },
    "withdrawn",
  );
};
