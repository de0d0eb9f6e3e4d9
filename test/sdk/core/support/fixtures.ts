/** Shared fixed inputs for the SDK core tests (no chain needed). */
import { Wallet } from "ethers";
import type { ChannelConfig } from "../../../../sdk/types";
import { SessionSigner } from "../../../../sdk/signing/signer";

export const PAYER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as const;
export const SESSION_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a" as const;
export const AUTHORIZER_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6" as const;

export const payerWallet = new Wallet(PAYER_KEY);
export const sessionWallet = new Wallet(SESSION_KEY);
export const session = new SessionSigner(SESSION_KEY);

export const ESCROW = "0x4020074e9dF2ce1deE5A9C1b5c3f541D02a10003" as const;
export const TOKEN = "0x036CbD53842c5426634e7929541eC2318f3dCF7e" as const;
export const RECEIVER = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C" as const;
export const RECEIVER_AUTHORIZER = new Wallet(AUTHORIZER_KEY).address as `0x${string}`;

export const CONFIG: ChannelConfig = {
  payer: payerWallet.address as `0x${string}`,
  payerAuthorizer: session.address,
  receiver: RECEIVER,
  receiverAuthorizer: RECEIVER_AUTHORIZER,
  token: TOKEN,
  withdrawDelay: 3600,
  salt: "0x00000000000000000000000000000000000000000000000000000000000000a1",
};

/** The secp256k1 group order. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The high-s twin of a canonical 65-byte signature (same signer, malleated). */
export function toHighS(signature: string): `0x${string}` {
  const r = signature.slice(2, 66);
  const s = BigInt("0x" + signature.slice(66, 130));
  const v = parseInt(signature.slice(130, 132), 16);
  const s2 = (SECP256K1_N - s).toString(16).padStart(64, "0");
  return `0x${r}${s2}${(v === 27 ? 28 : 27).toString(16)}`;
}
