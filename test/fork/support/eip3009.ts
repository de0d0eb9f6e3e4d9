import type { Contract, Signer, TypedDataDomain } from "ethers";
import { hexlify, randomBytes } from "ethers";

/** The EIP-3009 authorization fields, shared by `transferWithAuthorization` and `receiveWithAuthorization`. */
export interface Authorization {
  from: string;
  to: string;
  value: bigint;
  validAfter: bigint;
  validBefore: bigint;
  nonce: string;
}

const FIELDS = [
  { name: "from", type: "address" },
  { name: "to", type: "address" },
  { name: "value", type: "uint256" },
  { name: "validAfter", type: "uint256" },
  { name: "validBefore", type: "uint256" },
  { name: "nonce", type: "bytes32" },
];

/** The token's own EIP-712 domain, read from the chain (FiatToken has no EIP-5267, so from `name()`/`version()`). */
export async function tokenDomain(token: Contract): Promise<TypedDataDomain> {
  const [name, version, network] = await Promise.all([
    token.getFunction("name")() as Promise<string>,
    token.getFunction("version")() as Promise<string>,
    token.runner!.provider!.getNetwork(),
  ]);
  return { name, version, chainId: network.chainId, verifyingContract: await token.getAddress() };
}

/** A fresh authorization valid from now-1h to now+1h with a random nonce; `overrides` pins any field. */
export function authorization(
  from: string,
  to: string,
  value: bigint,
  now: number,
  overrides: Partial<Authorization> = {},
) {
  return {
    from,
    to,
    value,
    validAfter: BigInt(now - 3600),
    validBefore: BigInt(now + 3600),
    nonce: hexlify(randomBytes(32)),
    ...overrides,
  };
}

/** Signs `TransferWithAuthorization` or `ReceiveWithAuthorization` under the token's domain. */
export async function signAuthorization(
  signer: Signer,
  token: Contract,
  kind: "TransferWithAuthorization" | "ReceiveWithAuthorization",
  auth: Authorization,
): Promise<string> {
  return signer.signTypedData(await tokenDomain(token), { [kind]: FIELDS }, auth);
}
