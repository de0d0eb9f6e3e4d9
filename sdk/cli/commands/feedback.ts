/** `z402 feedback`: rate an agent in the ERC-8004 reputation registry. */
import { Contract, ZeroHash } from "ethers";
import { REPUTATION_ABI } from "../abi";
import { deploymentOf, openContext, signerOf } from "../context";
import { need } from "../deployment";
import { UsageError } from "../errors";
import { emit, keyValues } from "../output";
import { parseInteger } from "../parse";
import type { Action } from "../action";

export const feedbackCommand: Action = async (args, options, globals) => {
  const agentId = parseInteger(args[0], "agent id", 1);
  const score = parseInteger(String(options.score), "score");
  if (score > 100n) throw new UsageError(`"${score}" is not a valid score: expected 0-100`);
  const ctx = openContext(globals);
  try {
    const signer = signerOf(ctx);
    const registry = new Contract(need(deploymentOf(ctx), "reputation"), REPUTATION_ABI, signer);
    const tag = String(options.tag ?? "");
    const tx = await registry.giveFeedback(
      agentId,
      score,
      0,
      tag,
      "",
      String(options.endpoint ?? ""),
      "",
      ZeroHash,
    );
    const receipt = await tx.wait();
    emit(globals.json, { agentId, score, tag, client: signer.address, transaction: receipt.hash }, () =>
      keyValues([
        ["agent", String(agentId)],
        ["score", `${score}/100${tag ? ` (${tag})` : ""}`],
        ["client", signer.address],
        ["transaction", receipt.hash],
      ]),
    );
  } finally {
    ctx.provider.destroy();
  }
};
