import { ethers } from "ethers";
import { CHAIN_ID, NETWORK } from "./chain";
import { USDC } from "./place";

/** Requirements for `exact` in USDC on the interop chain. */
export function exactRequirements(payTo: string, amount = "1000") {
  return {
    scheme: "exact",
    network: NETWORK,
    asset: USDC,
    amount,
    payTo,
    maxTimeoutSeconds: 60,
    extra: { name: "USDC", version: "2" },
  };
}

/** Signs an EIP-3009 authorization the way x402 clients do and wraps it in a v2 payload for `requirements`. */
export async function signExact(
  payer: ethers.Wallet,
  requirements: ReturnType<typeof exactRequirements>,
  overrides: Partial<Record<"to" | "value" | "validAfter" | "validBefore" | "nonce", string>> = {},
) {
  const now = Math.floor(Date.now() / 1000);
  const authorization = {
    from: payer.address,
    to: requirements.payTo,
    value: requirements.amount,
    validAfter: String(now - 600),
    validBefore: String(now + requirements.maxTimeoutSeconds),
    nonce: ethers.hexlify(ethers.randomBytes(32)),
    ...overrides,
  };
  const domain = { name: "USDC", version: "2", chainId: CHAIN_ID, verifyingContract: USDC };
  const types = {
    TransferWithAuthorization: [
      { name: "from", type: "address" },
      { name: "to", type: "address" },
      { name: "value", type: "uint256" },
      { name: "validAfter", type: "uint256" },
      { name: "validBefore", type: "uint256" },
      { name: "nonce", type: "bytes32" },
    ],
  };
  const signature = await payer.signTypedData(domain, types, authorization);
  return { x402Version: 2, accepted: requirements, payload: { signature, authorization } };
}
