/** Finds escrow channels from `ChannelCreated` logs and reads their state. */
import { Contract, type Provider } from "ethers";
import { CliError } from "./errors";
import type { ChannelConfig } from "./abi";

export interface ChannelRow {
  channelId: string;
  config: ChannelConfig;
  balance: bigint;
  totalClaimed: bigint;
  pendingWithdrawal: bigint;
  withdrawReadyAt: number;
}

function toConfig(raw: ChannelConfig): ChannelConfig {
  const { payer, payerAuthorizer, receiver, receiverAuthorizer, token, withdrawDelay, salt } = raw;
  return { payer, payerAuthorizer, receiver, receiverAuthorizer, token, withdrawDelay, salt };
}

/** Every channel created at or after `fromBlock`, optionally only those one address pays or receives. */
export async function scanChannels(
  escrow: Contract,
  fromBlock: number,
  address?: string,
): Promise<ChannelRow[]> {
  const logs = await escrow.queryFilter(escrow.filters.ChannelCreated(), fromBlock);
  const rows: ChannelRow[] = [];
  const want = address?.toLowerCase();
  for (const log of logs) {
    if (!("args" in log)) continue;
    const config = toConfig(log.args.config as ChannelConfig);
    const parties = [config.payer, config.payerAuthorizer, config.receiver, config.receiverAuthorizer];
    if (want && !parties.some((p) => p.toLowerCase() === want)) continue;
    rows.push(await readChannel(escrow, String(log.args.channelId), config));
  }
  return rows;
}

async function readChannel(escrow: Contract, channelId: string, config: ChannelConfig): Promise<ChannelRow> {
  const [balance, totalClaimed] = (await escrow.channels(channelId)) as [bigint, bigint];
  const [pending, initiatedAt] = (await escrow.pendingWithdrawals(channelId)) as [bigint, bigint];
  const readyAt = pending > 0n ? Number(initiatedAt + config.withdrawDelay) : 0;
  return { channelId, config, balance, totalClaimed, pendingWithdrawal: pending, withdrawReadyAt: readyAt };
}

/** One channel by id (its config comes from its `ChannelCreated` log). */
export async function findChannel(escrow: Contract, channelId: string): Promise<ChannelRow> {
  const logs = await escrow.queryFilter(escrow.filters.ChannelCreated(channelId), 0);
  const log = logs.find((l) => "args" in l);
  if (!log || !("args" in log)) throw new CliError(`No channel ${channelId} on this escrow`);
  return readChannel(escrow, channelId, toConfig(log.args.config as ChannelConfig));
}

/** The chain's current timestamp. */
export async function chainTime(provider: Provider): Promise<number> {
  const block = await provider.getBlock("latest");
  return block ? block.timestamp : Math.floor(Date.now() / 1000);
}
