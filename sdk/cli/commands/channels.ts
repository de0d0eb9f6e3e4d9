/** `z402 channels`: a table of the channels an address pays or receives. */
import { Contract } from "ethers";
import { ESCROW_ABI } from "../abi";
import { scanChannels } from "../channels-scan";
import { deploymentOf, openContext, signerOf } from "../context";
import { need } from "../deployment";
import { emit, table } from "../output";
import { formatToken, parseAddress, parseInteger } from "../parse";
import type { Action } from "../action";

const short = (hex: string) => `${hex.slice(0, 10)}…${hex.slice(-4)}`;

export const channelsCommand: Action = async (_args, options, globals) => {
  const ctx = openContext(globals);
  try {
    const address = options.address
      ? parseAddress(String(options.address), "address")
      : signerOf(ctx).address;
    const fromBlock = Number(parseInteger(String(options.fromBlock ?? "0"), "block number"));
    const escrow = new Contract(need(deploymentOf(ctx), "escrow"), ESCROW_ABI, ctx.provider);
    const rows = await scanChannels(escrow, fromBlock, address);
    emit(globals.json, rows, () => {
      if (rows.length === 0) return `No channels for ${address}.`;
      return table(
        ["channel", "role", "counterparty", "balance", "claimed", "unclaimed", "withdrawal"],
        rows.map((r) => {
          const payer = [r.config.payer, r.config.payerAuthorizer].some(
            (a) => a.toLowerCase() === address.toLowerCase(),
          );
          return [
            short(r.channelId),
            payer ? "payer" : "receiver",
            short(payer ? r.config.receiver : r.config.payer),
            formatToken(r.balance),
            formatToken(r.totalClaimed),
            formatToken(r.balance - r.totalClaimed),
            r.pendingWithdrawal > 0n
              ? `${formatToken(r.pendingWithdrawal)} at ${new Date(r.withdrawReadyAt * 1000).toISOString()}`
              : "-",
          ];
        }),
      );
    });
  } finally {
    ctx.provider.destroy();
  }
};
