/** `z402 pay <url>`: one paid request; shows the 402 offer, pays, shows the receipt. */
import { ethersClientChain, wrapFetch } from "../../client";
import { decodeJson, paymentRequiredOf } from "../../client/wire";
import { deploymentOf, openContext, signerOf } from "../context";
import { need } from "../deployment";
import { CliError } from "../errors";
import { emit, keyValues, table } from "../output";
import { formatToken, parseTokenAmount, parseUrl } from "../parse";
import type { Action } from "../action";
import { sessionKeyFor } from "../session-key";

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

export const payCommand: Action = async (args, options, globals) => {
  const url = parseUrl(args[0]).href;
  const method = String(options.method ?? "GET").toUpperCase();
  if (!METHODS.has(method)) throw new CliError(`"${options.method}" is not a supported HTTP method`, 2);
  const deposit = parseTokenAmount(String(options.deposit ?? "0.1"), "deposit");
  const maxDeposit = parseTokenAmount(String(options.maxDeposit ?? "1"), "maximum deposit");
  const init: RequestInit = { method };
  if (options.data !== undefined) {
    init.body = String(options.data);
    init.headers = { "content-type": "application/json" };
  }
  const ctx = openContext(globals);
  try {
    const payer = signerOf(ctx);
    const deployment = deploymentOf(ctx);
    const escrow = need(deployment, "escrow");

    // 1. The offer: an unpaid request answered with 402.
    const probe = await fetch(url, init);
    const probeBody = await probe.text();
    if (probe.status !== 402) {
      throw new CliError(
        `${url} answered ${probe.status}, not 402 Payment Required: it is not a paid resource`,
      );
    }
    const required = paymentRequiredOf(probe.headers, probeBody);
    if (!required || required.accepts.length === 0)
      throw new CliError(`${url} answered 402 without a usable offer`);

    // 2. Pay: escrow voucher when offered (a gasless deposit opens the channel), else exact.
    const pay = wrapFetch(fetch, {
      payer,
      sessionKey: sessionKeyFor(String(options.store), ctx.network.chainId, payer.address),
      chainId: BigInt(ctx.network.chainId),
      escrow,
      depositCollector: need(deployment, "collector"),
      chain: ethersClientChain(ctx.provider, escrow),
      deposit: { amount: deposit < maxDeposit ? deposit : maxDeposit, max: maxDeposit },
    });
    const res = await pay(url, init);
    const body = await res.text();
    const receiptHeader = res.headers.get("payment-response") ?? res.headers.get("x-payment-response");
    const receipt = receiptHeader ? decodeJson(receiptHeader) : undefined;
    if (res.status === 402) {
      const reason = paymentRequiredOf(res.headers, body)?.error ?? "no reason given";
      throw new CliError(`The server refused the payment (${reason})`);
    }
    emit(globals.json, { url, offer: required.accepts, status: res.status, receipt, body }, () =>
      [
        `402 offer from ${url}:`,
        table(
          ["scheme", "network", "price", "payTo"],
          required.accepts.map((o) => [o.scheme, o.network, formatToken(BigInt(o.amount)), o.payTo]),
        ),
        "",
        `Paid. ${res.status} ${res.statusText}`,
        body.length > 500 ? `${body.slice(0, 500)}…` : body,
        "",
        "Receipt (PAYMENT-RESPONSE):",
        receipt ? keyValues(flatten(receipt as Record<string, unknown>)) : "(none)",
      ].join("\n"),
    );
  } finally {
    ctx.provider.destroy();
  }
};

function flatten(obj: Record<string, unknown>, prefix = ""): Array<[string, string]> {
  return Object.entries(obj).flatMap(([k, v]): Array<[string, string]> =>
    v !== null && typeof v === "object"
      ? flatten(v as Record<string, unknown>, `${prefix}${k}.`)
      : [[`${prefix}${k}`, String(v)]],
  );
}
