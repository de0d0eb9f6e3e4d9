/**
 * Receiver- and payer-side escrow operations: claim, settle, refund, withdraw. Every amount printed is read from the
 * transaction's events (`Settled`, `Refunded`, `WithdrawInitiated`, `WithdrawFinalized`): what moved on chain.
 */
import { existsSync } from "node:fs";
import { Contract, getAddress, type ContractTransactionResponse, type TransactionReceipt } from "ethers";
import type { Wallet } from "ethers";
import { ESCROW_ABI } from "../abi";
import type { Action } from "../action";
import { chainTime, findChannel, scanChannels, type ChannelRow } from "../channels-scan";
import { deploymentOf, openContext, signerOf, type Context } from "../context";
import { need } from "../deployment";
import { CliError, UsageError } from "../errors";
import { emit, keyValues } from "../output";
import { formatToken, parseAddress, parseBytes32, parseTokenAmount } from "../parse";
import { explainRefusal } from "../refusals";
import { EthersEscrowChain } from "../../server/chain";
import { SettlementWorker } from "../../settlement";
import { SqliteVoucherStore } from "../../store/sqlite";
import type { VoucherStore } from "../../store/types";

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const isOneOf = (a: string, ...others: string[]) => others.some((o) => same(a, o));
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** Sends a transaction and waits for its receipt. */
async function mined(sent: Promise<ContractTransactionResponse>): Promise<TransactionReceipt> {
  const receipt = await (await sent).wait();
  if (!receipt) throw new CliError("The transaction was dropped before it was mined: retry the command");
  return receipt;
}

/** The arguments of every `name` event the escrow emitted in `receipt`. */
function eventsOf(
  escrow: Contract,
  receipt: TransactionReceipt,
  name: string,
): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const log of receipt.logs) {
    if (!same(log.address, String(escrow.target))) continue;
    const parsed = escrow.interface.parseLog(log);
    if (parsed?.name === name) out.push(parsed.args.toObject());
  }
  return out;
}

/** The sum of the `amount` of every `name` event in `receipt`. */
function moved(escrow: Contract, receipt: TransactionReceipt, name: string): bigint {
  return eventsOf(escrow, receipt, name).reduce((sum, e) => sum + BigInt(e.amount as bigint), 0n);
}

interface Owed {
  receiver: string;
  token: string;
  amount: bigint;
}

/** What `receiver` has claimed in `token` but not yet been paid out. */
async function owed(escrow: Contract, receiver: string, token: string): Promise<Owed> {
  const [claimed, settled] = (await escrow.receivers(receiver, token)) as [bigint, bigint];
  return { receiver: getAddress(receiver), token: getAddress(token), amount: claimed - settled };
}

/**
 * The receivers `address` may settle for: itself (in `token`, when known) and the receiver of every channel it
 * receives on or authorizes (its AgentAccount, for an agent's owner), each with what it is owed.
 */
async function receiversOf(
  escrow: Contract,
  address: string,
  token: string | undefined,
  fromBlock: number,
  onlyToken: boolean,
): Promise<Owed[]> {
  const pairs = new Map<string, [string, string]>();
  const add = (receiver: string, tok: string) =>
    pairs.set(`${receiver}:${tok}`.toLowerCase(), [receiver, tok]);
  if (token) add(address, token);
  for (const row of await scanChannels(escrow, fromBlock, address)) {
    const { receiver, receiverAuthorizer, token: channelToken } = row.config;
    if (!isOneOf(address, receiver, receiverAuthorizer)) continue;
    if (onlyToken && token && !same(channelToken, token)) continue;
    add(receiver, channelToken);
  }
  return Promise.all([...pairs.values()].map(([receiver, tok]) => owed(escrow, receiver, tok)));
}

/**
 * Settles what is owed: to `--receiver` when given, else to every receiver of the channels the key receives on or
 * authorizes (and to the key itself), so an agent's income reaches its AgentAccount without naming it.
 */
export const settleCommand: Action = async (_args, options, globals) => {
  // The arguments first: a malformed one is named even when the key is missing too.
  const receiver = options.receiver ? parseAddress(String(options.receiver), "receiver address") : undefined;
  const token = options.token ? parseAddress(String(options.token), "token address") : undefined;
  const ctx = openContext(globals);
  try {
    const signer = signerOf(ctx);
    const deployment = deploymentOf(ctx);
    const escrow = new Contract(need(deployment, "escrow"), ESCROW_ABI, signer);
    const candidates = receiver
      ? [await owed(escrow, receiver, token ?? need(deployment, "token"))]
      : await receiversOf(
          escrow,
          signer.address,
          token ?? deployment.token,
          deployment.startBlock ?? 0,
          !!token,
        );
    const settlements: Array<Owed & { transaction: string }> = [];
    for (const c of candidates.filter((x) => x.amount > 0n)) {
      const receipt = await mined(escrow.settle(c.receiver, c.token));
      const amount = moved(escrow, receipt, "Settled");
      settlements.push({ ...c, amount, transaction: receipt.hash });
    }
    const total = settlements.reduce((s, x) => s + x.amount, 0n);
    const names = [...new Set(candidates.map((c) => c.receiver))];
    emit(
      globals.json,
      {
        settled: total,
        settlements: settlements.map(({ receiver: r, token: t, amount, transaction }) => ({
          receiver: r,
          token: t,
          settled: amount,
          transaction,
        })),
      },
      () =>
        settlements.length === 0
          ? `Nothing to settle for ${names.join(", ") || signer.address}: everything claimed is already paid out.`
          : keyValues(
              settlements.flatMap((s): Array<[string, string]> => [
                ["settled", `${formatToken(s.amount)} to ${s.receiver}`],
                ["transaction", s.transaction],
              ]),
            ),
    );
  } finally {
    ctx.provider.destroy();
  }
};

/** The (receiver, token) pairs of the channels a voucher store owes. */
async function storeReceivers(store: VoucherStore): Promise<Array<[string, string]>> {
  const pairs = new Map<string, [string, string]>();
  for (const rec of await store.listOwed()) {
    try {
      const { receiver, token } = JSON.parse(rec.config) as { receiver: string; token: string };
      pairs.set(`${receiver}:${token}`.toLowerCase(), [receiver, token]);
    } catch {
      // a malformed record is the worker's to report
    }
  }
  return [...pairs.values()];
}

/** The exact `z402 settle` command that pays out `o`. */
function settleHint(o: Owed, defaultToken: string | undefined): string {
  const token = defaultToken && same(defaultToken, o.token) ? "" : ` --token ${o.token}`;
  return `z402 settle --receiver ${o.receiver}${token} (moves ${formatToken(o.amount)} to the receiver)`;
}

/** Claims what the server's voucher store says was served, in batched `claimWithSignature` transactions. */
export const claimCommand: Action = async (_args, options, globals) => {
  const file = String(options.store);
  if (!existsSync(file)) throw new CliError(`No voucher store at ${file}: pass the server's --store file`);
  const ctx = openContext(globals);
  const store = new SqliteVoucherStore({ filename: file });
  try {
    const signer = signerOf(ctx);
    const deployment = deploymentOf(ctx);
    const escrowAddress = need(deployment, "escrow");
    const pairs = await storeReceivers(store);
    const chain = new EthersEscrowChain(BigInt(ctx.network.chainId), escrowAddress, signer);
    const report = await new SettlementWorker({ store, chain, authorizer: signer, settle: false }).run();
    const escrow = new Contract(escrowAddress, ESCROW_ABI, ctx.provider);
    const waiting = (await Promise.all(pairs.map(([r, t]) => owed(escrow, r, t)))).filter(
      (o) => o.amount > 0n,
    );
    // Channels the chain refused: held back (not retried until their voucher changes), listed one per line.
    const held = report.quarantined.map((q) => ["quarantined", explainRefusal(q)] as [string, string]);
    const next = waiting.map((o) => ["next", settleHint(o, deployment.token)] as [string, string]);
    emit(globals.json, { ...report, unsettled: waiting }, () =>
      report.claimedChannels === 0
        ? [
            held.length === 0
              ? "Nothing to claim: every served voucher is already claimed."
              : "Nothing claimed. Held back because the chain refused their vouchers (retried when they change):",
            ...(held.length || next.length ? [keyValues([...held, ...next])] : []),
          ].join("\n")
        : keyValues([
            ["claimed", formatToken(report.claimedAmount)],
            ["channels", String(report.claimedChannels)],
            ["transactions", report.transactions.join(", ")],
            ...held,
            ...next,
          ]),
    );
  } finally {
    await store.close();
    ctx.provider.destroy();
  }
};

/**
 * Claims the served vouchers of one channel from a server's voucher store (the settlement worker over that channel
 * alone) and returns what was claimed.
 */
async function claimChannel(ctx: Context, signer: Wallet, escrow: string, file: string, channelId: string) {
  if (!existsSync(file)) throw new CliError(`No voucher store at ${file}: pass the server's --store file`);
  const store = new SqliteVoucherStore({ filename: file });
  try {
    const onlyThis = new Proxy(store, {
      get(target, prop) {
        if (prop === "listOwed")
          return async () => (await target.listOwed()).filter((r) => same(r.channelId, channelId));
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const chain = new EthersEscrowChain(BigInt(ctx.network.chainId), escrow, signer);
    const report = await new SettlementWorker({
      store: onlyThis,
      chain,
      authorizer: signer,
      settle: false,
    }).run();
    if (report.quarantined.length > 0) {
      throw new CliError(
        `The chain refused this channel's served voucher (${explainRefusal(report.quarantined[0])}), so nothing was refunded: refund with --amount, or drop --store and pass --yes`,
      );
    }
    return report.claimedAmount;
  } finally {
    await store.close();
  }
}

/**
 * Returns a channel's unclaimed balance to its payer, as the receiver. Refunding everything would give up what was
 * served but not claimed yet, so without `--amount` it claims that first from `--store`, or needs `--yes`.
 */
export const refundCommand: Action = async (args, options, globals) => {
  const channelId = parseBytes32(args[0]);
  const requested = options.amount !== undefined ? parseTokenAmount(String(options.amount)) : undefined;
  const storeFile = options.store !== undefined ? String(options.store) : undefined;
  const ctx = openContext(globals);
  try {
    const signer = signerOf(ctx);
    const escrowAddress = need(deploymentOf(ctx), "escrow");
    const escrow = new Contract(escrowAddress, ESCROW_ABI, signer);
    let row = await findChannel(escrow, channelId);
    if (!isOneOf(signer.address, row.config.receiver, row.config.receiverAuthorizer))
      throw new CliError("Only the channel's receiver or receiverAuthorizer can do this");
    let claimedFirst: bigint | undefined;
    if (storeFile !== undefined) {
      claimedFirst = await claimChannel(ctx, signer, escrowAddress, storeFile, channelId);
      row = await findChannel(escrow, channelId);
    } else if (requested === undefined && !options.yes && row.balance > row.totalClaimed) {
      throw new UsageError(
        `Refunding all ${formatToken(row.balance - row.totalClaimed)} unclaimed gives up the vouchers served on this channel but not claimed yet: pass --store <the server's voucher store> to claim them first, or --yes to refund anyway`,
      );
    }
    const unclaimed = row.balance - row.totalClaimed;
    const claimedLine: Array<[string, string]> =
      claimedFirst === undefined
        ? []
        : [
            [
              "claimed first",
              claimedFirst > 0n
                ? `${formatToken(claimedFirst)} of served vouchers (now owed to the receiver)`
                : "nothing (every served voucher was already claimed)",
            ],
          ];
    if (unclaimed === 0n) {
      emit(globals.json, { channelId, action: "refunded", amount: 0n, claimedFirst, transaction: null }, () =>
        [
          "Nothing refunded: the channel holds no unclaimed balance.",
          ...(claimedLine.length ? [keyValues(claimedLine)] : []),
        ].join("\n"),
      );
      return;
    }
    const receipt = await mined(escrow.refund(row.config, requested ?? unclaimed));
    const refunded = moved(escrow, receipt, "Refunded");
    const short = requested !== undefined && refunded < requested;
    emit(
      globals.json,
      {
        channelId,
        action: "refunded",
        amount: refunded,
        requested: requested ?? null,
        claimedFirst: claimedFirst ?? null,
        payer: row.config.payer,
        transaction: receipt.hash,
      },
      () =>
        keyValues([
          ...claimedLine,
          [
            "refunded",
            `${formatToken(refunded)} to the payer ${row.config.payer}${
              short
                ? ` (asked for ${formatToken(requested)}; only ${formatToken(refunded)} was unclaimed)`
                : ""
            }`,
          ],
          ...(storeFile === undefined && requested === undefined
            ? ([["given up", "vouchers served on this channel but not claimed (--yes)"]] as Array<
                [string, string]
              >)
            : []),
          ["left", `${formatToken(unclaimed - refunded)} unclaimed in the channel`],
          ["channel", channelId],
          ["transaction", receipt.hash],
        ]),
    );
  } finally {
    ctx.provider.destroy();
  }
};

/** Starts a withdrawal (the payer's timed exit); refuses to restart a pending one's delay unless `--restart`. */
async function startWithdrawal(
  ctx: Context,
  escrow: Contract,
  row: ChannelRow,
  requested: bigint | undefined,
  restart: boolean,
  json: boolean | undefined,
): Promise<void> {
  const pending = row.pendingWithdrawal;
  if (pending > 0n && !restart) {
    const now = await chainTime(ctx.provider);
    const when = row.withdrawReadyAt <= now ? "ready now" : `ready at ${iso(row.withdrawReadyAt)}`;
    throw new CliError(
      `A withdrawal of ${formatToken(pending)} is already pending on this channel (${when}): finish it with \`z402 withdraw ${row.channelId} --finalize\`, or pass --restart to replace it (its delay starts over)`,
    );
  }
  const amount = requested ?? row.balance - row.totalClaimed;
  if (amount === 0n) throw new CliError("Nothing to withdraw: the channel holds no unclaimed balance");
  const receipt = await mined(escrow.initiateWithdraw(row.config, amount));
  const [started] = eventsOf(escrow, receipt, "WithdrawInitiated");
  const startedAmount = BigInt(started.amount as bigint);
  const readyAt = Number(BigInt(started.initiatedAt as bigint) + row.config.withdrawDelay);
  emit(
    json,
    {
      channelId: row.channelId,
      action: "withdrawal started",
      amount: startedAmount,
      readyAt,
      replaced: pending > 0n ? pending : null,
      transaction: receipt.hash,
    },
    () =>
      keyValues([
        ["withdrawal started", `${formatToken(startedAmount)} (nothing moves until --finalize)`],
        ["ready at", iso(readyAt)],
        ...(pending > 0n
          ? ([
              ["replaced", `the pending withdrawal of ${formatToken(pending)} (its delay started over)`],
            ] as Array<[string, string]>)
          : []),
        ["channel", row.channelId],
        ["transaction", receipt.hash],
        ["next", `z402 withdraw ${row.channelId} --finalize (from ${iso(readyAt)})`],
      ]),
  );
}

/** Finishes a withdrawal whose delay has passed; prints what reached the payer. */
async function finalizeWithdrawal(
  ctx: Context,
  escrow: Contract,
  row: ChannelRow,
  json: boolean | undefined,
): Promise<void> {
  if (row.pendingWithdrawal === 0n) {
    throw new CliError(
      "There is no pending withdrawal on this channel: run `z402 withdraw` without --finalize first",
    );
  }
  const now = await chainTime(ctx.provider);
  if (now < row.withdrawReadyAt) {
    throw new CliError(
      `The withdrawal is ready at ${iso(row.withdrawReadyAt)} (in ${row.withdrawReadyAt - now} s), not yet`,
    );
  }
  const receipt = await mined(escrow.finalizeWithdraw(row.config));
  const withdrawn = moved(escrow, receipt, "WithdrawFinalized");
  const short = withdrawn < row.pendingWithdrawal;
  emit(
    json,
    {
      channelId: row.channelId,
      action: "withdrawn",
      amount: withdrawn,
      requested: row.pendingWithdrawal,
      payer: row.config.payer,
      transaction: receipt.hash,
    },
    () =>
      keyValues([
        [
          "withdrawn",
          `${formatToken(withdrawn)} to the payer ${row.config.payer}${
            short
              ? ` (asked for ${formatToken(row.pendingWithdrawal)}; the rest was claimed or refunded meanwhile)`
              : ""
          }`,
        ],
        ["channel", row.channelId],
        ["transaction", receipt.hash],
      ]),
  );
}

export const withdrawCommand: Action = async (args, options, globals) => {
  const channelId = parseBytes32(args[0]);
  const requested = options.amount !== undefined ? parseTokenAmount(String(options.amount)) : undefined;
  const ctx = openContext(globals);
  try {
    const signer = signerOf(ctx);
    const escrow = new Contract(need(deploymentOf(ctx), "escrow"), ESCROW_ABI, signer);
    const row = await findChannel(escrow, channelId);
    if (!isOneOf(signer.address, row.config.payer, row.config.payerAuthorizer))
      throw new CliError("Only the channel's payer or payerAuthorizer can do this: use the payer's key");
    if (options.finalize) await finalizeWithdrawal(ctx, escrow, row, globals.json);
    else await startWithdrawal(ctx, escrow, row, requested, !!options.restart, globals.json);
  } finally {
    ctx.provider.destroy();
  }
};
