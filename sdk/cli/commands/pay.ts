/**
 * `z402 pay <url>`: one paid request. Shows the 402 offer, checks it can be paid (the offer's network is the CLI's,
 * the payer holds the deposit or the price) before signing anything, pays, and shows what was charged. An answer
 * that is not 2xx exits 1; "Paid" is printed only when the server's PAYMENT-RESPONSE says it charged.
 */
import { Contract, type Wallet } from "ethers";
import { channelIdOf, ethersClientChain, wrapFetch } from "../../client";
import { topUpOf } from "../../client/batch-payload";
import { channelConfigOf } from "../../client/channels";
import { decodeJson, paymentRequiredOf, type Offer, type Required } from "../../client/wire";
import { X402_REASONS, Z402_REASONS } from "../../errors/reasons";
import { ERC20_ABI, ESCROW_ABI } from "../abi";
import type { Action } from "../action";
import {
  chainIdOfNetwork,
  deploymentOf,
  openContext,
  resolveNetwork,
  signerOf,
  type Context,
} from "../context";
import { need } from "../deployment";
import { CliError } from "../errors";
import { emit, keyValues, table } from "../output";
import { formatToken, parseTokenAmount, parseUrl } from "../parse";
import { defaultSessionFile, LEGACY_SESSION_FILE, sessionKeyFor } from "../session-key";
import { defaultReceiptsFile, keepReceipt } from "./receipts";

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

/** Runs a request; a transport failure becomes one sentence naming the server and saying what was paid. */
async function reach<T>(url: string, stage: "offer" | "payment", send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof TypeError) || !/fetch failed/i.test(err.message)) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why =
      cause?.code === "ECONNREFUSED" ? "connection refused" : (cause?.code ?? cause?.message ?? "no answer");
    const host = new URL(url).host;
    throw new CliError(
      stage === "offer"
        ? `Cannot reach the server at ${host} (${why}), so nothing was paid: is it running?`
        : `Lost the server at ${host} while paying (${why}): is it still running? A voucher is cumulative, so running the command again never pays twice`,
      1,
      { cause: err },
    );
  }
}

/** The offer the CLI will pay on its own network (escrow voucher first, else exact), or a sentence saying why not. */
function payableOffer(url: string, required: Required, ctx: Context): { offer: Offer; exactOnly: boolean } {
  const known = required.accepts.filter((o) => o.scheme === "batch-settlement" || o.scheme === "exact");
  if (known.length === 0) {
    throw new CliError(
      `${new URL(url).host} offers only ${required.accepts.map((o) => o.scheme).join(", ")}, and the CLI pays batch-settlement or exact: use a client for that scheme`,
    );
  }
  const ours = known.filter((o) => chainIdOfNetwork(o.network) === ctx.network.chainId);
  const offer = ours.find((o) => o.scheme === "batch-settlement") ?? ours[0];
  if (offer) return { offer, exactOnly: offer.scheme === "exact" };
  const theirs = chainIdOfNetwork(known[0].network);
  const name = theirs !== undefined ? resolveNetwork(`eip155:${theirs}`) : undefined;
  const flag = name ? `--network ${name.name}${name.rpcUrl ? "" : " --rpc <its JSON-RPC URL>"}` : "--network";
  throw new CliError(
    `The server asks to be paid on ${known[0].network}, but the CLI is on ${ctx.network.name} (eip155:${ctx.network.chainId}): pass ${flag}`,
  );
}

/**
 * Checks, before anything is signed, that the payer can afford what this payment will take: the price (`exact`),
 * or the deposit that opens or tops up its channel (`batch-settlement`). Returns the channel id, if any.
 */
async function checkFunds(
  ctx: Context,
  payer: Wallet,
  session: Wallet,
  escrow: string,
  offer: Offer,
  deposit: { amount: bigint; max: bigint },
): Promise<string | undefined> {
  const price = BigInt(offer.amount);
  const where = `${ctx.network.name}`;
  const held = async () =>
    (await new Contract(offer.asset, ERC20_ABI, ctx.provider).balanceOf(payer.address)) as bigint;
  if (offer.scheme === "exact") {
    const balance = await held();
    if (balance < price) {
      throw new CliError(
        `The payer ${payer.address} holds ${formatToken(balance)} on ${where}, less than the price of ${formatToken(price)}: send it USDC`,
      );
    }
    return undefined;
  }
  const config = channelConfigOf(offer, payer.address, session.address);
  const channelId = channelIdOf(BigInt(ctx.network.chainId), escrow, config);
  const [balance, totalClaimed] = (await new Contract(escrow, ESCROW_ABI, ctx.provider).channels(
    channelId,
  )) as [bigint, bigint];
  const needed = totalClaimed + price;
  if (needed <= balance) return channelId;
  const top = topUpOf(deposit, balance, needed);
  if (top === undefined) {
    throw new CliError(
      `This payment needs ${formatToken(needed)} in the channel, more than --max-deposit ${formatToken(deposit.max)}: pass a larger --max-deposit`,
    );
  }
  const minDeposit = offer.extra.minDeposit !== undefined ? BigInt(String(offer.extra.minDeposit)) : 0n;
  if (top < minDeposit) {
    throw new CliError(
      `The server takes deposits of at least ${formatToken(minDeposit)}, and this one would be ${formatToken(top)}: pass --deposit ${formatToken(minDeposit).split(" ")[0]}`,
    );
  }
  const balanceOfPayer = await held();
  if (balanceOfPayer < top) {
    const least = needed - balance;
    throw new CliError(
      `The payer ${payer.address} holds ${formatToken(balanceOfPayer)} on ${where}, less than the ${formatToken(top)} deposit this payment needs: send it USDC${
        least < top ? ` or pass a smaller --deposit (at least ${formatToken(least).split(" ")[0]})` : ""
      }`,
    );
  }
  return channelId;
}

/** What to do about a payment the server refused (its x402 reason), in one sentence. */
function refusal(reason: string, offer: Offer): string {
  const advice: Record<string, string> = {
    [X402_REASONS.bsDepositTransactionFailed]:
      "The server could not put the deposit on chain: check that the payer holds the USDC and that --network and --deployment match the server's",
    [X402_REASONS.bsChannelIdMismatch]: `The server computes this channel with another escrow or chain: use its network (${offer.network}) and its deployment record (--network, --deployment)`,
    [X402_REASONS.bsNetworkMismatch]: `The server expects payment on ${offer.network}: pass the matching --network`,
    [X402_REASONS.exactNetworkMismatch]: `The server expects payment on ${offer.network}: pass the matching --network`,
    [X402_REASONS.insufficientFunds]: "The payer does not hold enough USDC for this payment: send it USDC",
    [X402_REASONS.exactInsufficientBalance]:
      "The payer does not hold enough USDC for this payment: send it USDC",
    [X402_REASONS.bsInsufficientBalance]:
      "The payer does not hold enough USDC for this deposit: send it USDC",
    [X402_REASONS.bsDepositBelowMinDeposit]: "The server wants a larger deposit: pass a larger --deposit",
    [Z402_REASONS.depositRiskLimit]:
      "The server takes no new deposits right now (its risk budget is full): retry later",
  };
  return `${advice[reason] ?? "The server refused the payment"} (its reason: ${reason})`;
}

/** The receipt's fields worth showing: blanks and unset values left out, amounts in token units. */
function receiptLines(receipt: Record<string, unknown>): Array<[string, string]> {
  const amount = /(^|\.)(amount|chargedAmount|balance|totalClaimed|chargedCumulativeAmount)$/;
  return flatten(receipt)
    .filter(([k, v]) => v !== "" && !(k.endsWith("withdrawRequestedAt") && v === "0"))
    .map(([k, v]): [string, string] => [k, amount.test(k) && /^\d+$/.test(v) ? formatToken(BigInt(v)) : v]);
}

function flatten(obj: Record<string, unknown>, prefix = ""): Array<[string, string]> {
  return Object.entries(obj).flatMap(([k, v]): Array<[string, string]> =>
    v === null || v === undefined
      ? []
      : typeof v === "object"
        ? flatten(v as Record<string, unknown>, `${prefix}${k}.`)
        : [[`${prefix}${k}`, String(v)]],
  );
}

/** What the server says it charged, from its PAYMENT-RESPONSE (undefined when it sent none). */
function chargeOf(receipt: Record<string, unknown> | undefined): bigint | undefined {
  if (!receipt || receipt.success === false) return undefined;
  const extra = receipt.extra as { chargedAmount?: unknown } | undefined;
  const value = extra?.chargedAmount ?? receipt.amount;
  return typeof value === "string" && /^\d+$/.test(value) ? BigInt(value) : undefined;
}

const oneLine = (text: string, max = 200) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};

export const payCommand: Action = async (args, options, globals) => {
  const url = parseUrl(args[0]).href;
  const method = String(options.method ?? "GET").toUpperCase();
  if (!METHODS.has(method)) throw new CliError(`"${options.method}" is not a supported HTTP method`, 2);
  const depositAmount = parseTokenAmount(String(options.deposit ?? "0.1"), "deposit");
  const maxDeposit = parseTokenAmount(String(options.maxDeposit ?? "1"), "maximum deposit");
  const deposit = { amount: depositAmount < maxDeposit ? depositAmount : maxDeposit, max: maxDeposit };
  const init: RequestInit = { method };
  if (options.data !== undefined) {
    init.body = String(options.data);
    init.headers = { "content-type": "application/json" };
  }
  const ctx = openContext(globals);
  try {
    const payer = signerOf(ctx);

    // 1. The offer: an unpaid request answered with 402.
    const probe = await reach(url, "offer", () => fetch(url, init));
    const probeBody = await probe.text();
    if (probe.status !== 402) {
      throw new CliError(
        `The server at ${url} answered ${probe.status} ${probe.statusText}, not 402 Payment Required: it is not a paid resource, so nothing was paid`,
      );
    }
    const required = paymentRequiredOf(probe.headers, probeBody);
    if (!required || required.accepts.length === 0)
      throw new CliError(
        `The server at ${url} answered 402 without an offer the CLI can read, so nothing was paid`,
      );

    // 2. Before signing: the offer's network is ours and the payer can afford it.
    const { offer, exactOnly } = payableOffer(url, required, ctx);
    const deployment = deploymentOf(ctx);
    const escrow = need(deployment, "escrow");
    const store = options.store !== undefined ? String(options.store) : defaultSessionFile();
    const session = sessionKeyFor(store, ctx.network.chainId, payer.address, {
      ...(options.store === undefined ? { legacy: LEGACY_SESSION_FILE } : {}),
    });
    const channelId = await checkFunds(ctx, payer, session, escrow, offer, deposit);
    const escrowContract = new Contract(escrow, ESCROW_ABI, ctx.provider);
    const before = channelId ? ((await escrowContract.channels(channelId)) as [bigint, bigint])[0] : 0n;

    // 3. Pay: escrow voucher when offered on our network (a gasless deposit opens the channel), else exact.
    const pay = wrapFetch(fetch, {
      payer,
      sessionKey: session,
      chainId: BigInt(ctx.network.chainId),
      escrow,
      depositCollector: need(deployment, "collector"),
      chain: ethersClientChain(ctx.provider, escrow),
      deposit,
      exactOnly,
      // Signed receipts (x402 offer-receipt) are kept for `z402 receipts`.
      onReceipt: (r) => keepReceipt(defaultReceiptsFile(), url, r.receipt),
    });
    const res = await reach(url, "payment", () => pay(url, init));
    const body = await res.text();
    if (res.status === 402) {
      const reason = paymentRequiredOf(res.headers, body)?.error ?? "no reason given";
      throw new CliError(refusal(reason, offer));
    }
    const receiptHeader = res.headers.get("payment-response") ?? res.headers.get("x-payment-response");
    const receipt = receiptHeader
      ? (decodeJson(receiptHeader) as Record<string, unknown> | undefined)
      : undefined;
    const charged = chargeOf(receipt);
    const after = channelId ? ((await escrowContract.channels(channelId)) as [bigint, bigint])[0] : 0n;
    const deposited = after > before ? after - before : 0n;
    const ok = res.status >= 200 && res.status < 300;
    const status = `${res.status} ${res.statusText}`.trim();
    const how =
      offer.scheme === "exact"
        ? `exact${typeof receipt?.transaction === "string" && receipt.transaction ? `, transaction ${receipt.transaction}` : ""}`
        : "a batch-settlement voucher; the receiver claims it on chain later";
    emit(
      globals.json,
      {
        url,
        offer: required.accepts,
        status: res.status,
        charged: charged ?? null,
        deposited,
        channelId,
        receipt,
        body,
      },
      () =>
        [
          `402 offer from ${url}:`,
          table(
            ["scheme", "network", "price", "payTo"],
            required.accepts.map((o) => [o.scheme, o.network, formatToken(BigInt(o.amount)), o.payTo]),
          ),
          "",
          charged !== undefined
            ? `Paid ${formatToken(charged)} (${how}). ${status}`
            : `Not charged (no PAYMENT-RESPONSE). ${status}`,
          ...(deposited > 0n
            ? [`Deposited ${formatToken(deposited)} into channel ${channelId} (on chain).`]
            : []),
          body.length > 500 ? `${body.slice(0, 500)}…` : body,
          ...(receipt ? ["", "Receipt (PAYMENT-RESPONSE):", keyValues(receiptLines(receipt))] : []),
        ].join("\n"),
    );
    if (!ok) {
      throw new CliError(
        `The server answered ${status}${body ? ` (${oneLine(body)})` : ""} and ${
          charged ? `charged ${formatToken(charged)}` : "charged nothing"
        }: ${res.status < 500 ? "check the request's method and body (-X, -d)" : "the server failed; retry later"}`,
      );
    }
  } finally {
    ctx.provider.destroy();
  }
};
