/** `z402 facilitator`: the x402 facilitator HTTP service for `exact` and `batch-settlement`, until Ctrl-C. */
import { toCaip2 } from "../../networks/caip";
import {
  BatchSettlementScheme,
  createFacilitator,
  ExactEip3009Scheme,
  serveFacilitator,
} from "../../facilitator";
import { deploymentOf, openContext, signerOf } from "../context";
import { emit, keyValues } from "../output";
import { assertPortFree, parsePort } from "../parse";
import type { Action } from "../action";

export const facilitatorCommand: Action = async (_args, options, globals) => {
  const port = parsePort(String(options.port));
  const host = String(options.host);
  await assertPortFree(host, port);
  const ctx = openContext(globals);
  const signer = signerOf(ctx);
  const network = toCaip2(ctx.network.chainId);
  // The escrow scheme uses this chain's deployment when there is one, else the canonical x402 addresses.
  let escrow: string | undefined;
  let collector: string | undefined;
  try {
    const d = deploymentOf(ctx);
    escrow = d.escrow;
    collector = d.collector;
  } catch {
    escrow = undefined;
  }
  await ctx.provider.getBlockNumber(); // fail now, in one sentence, if the chain is unreachable
  const facilitator = createFacilitator([
    new ExactEip3009Scheme({ signer, networks: [network] }),
    new BatchSettlementScheme({ signer, networks: [network], escrow, collector }),
  ]);
  const running = await serveFacilitator(facilitator, { host, port });
  emit(
    globals.json,
    { url: running.url, network, relayer: signer.address, escrow: escrow ?? "canonical" },
    () =>
      [
        `x402 facilitator on ${running.url} (Ctrl-C to stop)`,
        keyValues([
          ["network", network],
          ["relayer", signer.address],
          ["escrow", escrow ?? "canonical x402 address"],
          ["endpoints", "POST /verify, POST /settle, GET /supported"],
        ]),
      ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await running.close();
  ctx.provider.destroy();
};
