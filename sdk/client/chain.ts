import { Contract, type Provider } from "ethers";
import type { ClientChain } from "./channels";

const ABI = ["function channels(bytes32) view returns (uint128 balance, uint128 totalClaimed)"];

/** Client chain reads over an ethers provider: `channels(id)` for recovery, the head's timestamp for time. */
export function ethersClientChain(provider: Provider, escrow: string): ClientChain {
  const escrowContract = new Contract(escrow, ABI, provider);
  return {
    async channel(channelId) {
      const [balance, totalClaimed] = await escrowContract.channels(channelId);
      return { balance, totalClaimed };
    },
    async now() {
      const block = await provider.getBlock("latest");
      return BigInt(block!.timestamp);
    },
  };
}
