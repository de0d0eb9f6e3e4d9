import { ethers } from "hardhat";
import type { Signer } from "ethers";
import type { ReputationRegistry } from "../../../../typechain-types";

export const HASH = ethers.id("feedback file");
export const MAX = 10n ** 38n;
export const INT128_MAX = 2n ** 127n - 1n;

/** Gives feedback with fixed endpoint, URI and hash. */
export function give(
  rep: ReputationRegistry,
  who: Signer,
  agentId: bigint,
  value: bigint,
  decimals = 0,
  tag1 = "",
  tag2 = "",
) {
  return rep.connect(who).giveFeedback(agentId, value, decimals, tag1, tag2, "https://a/x", "ipfs://f", HASH);
}
