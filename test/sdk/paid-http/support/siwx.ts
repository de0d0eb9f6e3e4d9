/** Sign-in-with-x headers made the way a wallet outside the SDK makes them (the stock helpers). */
import { createSIWxPayload, encodeSIWxHeader, type EVMSigner } from "@x402/extensions/sign-in-with-x";

/** An ethers signer as the stock helpers take it. */
export async function evm(signer: {
  getAddress(): Promise<string>;
  signMessage(m: string): Promise<string>;
}): Promise<EVMSigner> {
  const address = await signer.getAddress();
  return {
    address,
    signMessage: ({ message }: { message: string }) => signer.signMessage(message),
  } as EVMSigner;
}

/** A sign-in header for `origin` + `p` signed by `signer` (a challenge of the signer's own making). */
export async function signInHeader(
  origin: string,
  p: string,
  signer: EVMSigner,
  chainId: string,
): Promise<string> {
  const uri = origin + p;
  const now = Date.now();
  const info = {
    domain: new URL(origin).host,
    uri,
    version: "1",
    nonce: Math.random().toString(16).slice(2) + Math.random().toString(16).slice(2),
    issuedAt: new Date(now).toISOString(),
    expirationTime: new Date(now + 300_000).toISOString(),
    resources: [uri],
    chainId,
    type: "eip191" as const,
  };
  return encodeSIWxHeader(await createSIWxPayload(info, signer, uri));
}
