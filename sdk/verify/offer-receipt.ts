/**
 * x402 offer-receipt artifacts as z402 signs them (JWS ES256K with the server's secp256k1 key, `kid` a
 * `did:key`), and their verification without `jose` (so browsers can verify too): the JWS signing input is
 * hashed with SHA-256 and the signer recovered from (r, s) with both recovery ids, then compared with the key in
 * `kid`. EIP-712 artifacts are verified with the stock helper. Wire shapes come from `@x402/extensions`.
 */
import {
  extractJWSHeader,
  extractJWSPayload,
  verifyOfferSignatureEIP712,
  verifyReceiptSignatureEIP712,
  type OfferPayload,
  type ReceiptPayload,
  type SignedOffer,
  type SignedReceipt,
} from "@x402/extensions/offer-receipt";
import {
  SigningKey,
  computeAddress,
  decodeBase58,
  decodeBase64,
  getAddress,
  hexlify,
  encodeBase58,
  recoverAddress,
  sha256,
  toBeHex,
  toUtf8Bytes,
} from "ethers";

/** What a z402 receipt adds to the spec's receipt payload (signed with it): what was bought, for how much, how. */
export interface Z402ReceiptTerms {
  scheme: string;
  asset: string;
  payTo: string;
  /** What this answer charged (token base units). */
  amount: string;
  /** `batch-settlement`: the channel, its cumulative charge after this answer, and the voucher's signed maximum. */
  channelId?: string;
  chargedCumulativeAmount?: string;
  signedMaxClaimable?: string;
}

export type Z402ReceiptPayload = ReceiptPayload & { z402?: Z402ReceiptTerms };

/** A verified artifact: the recovered signer (checksummed address) and the signed payload. */
export interface VerifiedArtifact<T> {
  signer: string;
  payload: T;
}

/** `did:key` multicodec prefix of a compressed secp256k1 public key (0xe7, varint). */
const SECP256K1_PUB = "e701";

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The `did:key` of an secp256k1 public key (any encoding ethers accepts). */
export function didKeyOf(publicKey: string): string {
  const compressed = SigningKey.computePublicKey(publicKey, true).slice(2);
  return `did:key:z${encodeBase58("0x" + SECP256K1_PUB + compressed)}`;
}

/** The address of the secp256k1 key a `did:key` names (fragment ignored); throws on any other DID. */
export function addressOfDidKey(kid: string): string {
  const id = kid.split("#")[0];
  if (!id.startsWith("did:key:z")) throw new Error(`unsupported kid ${kid}`);
  const hex = toBeHex(decodeBase58(id.slice(9)), 35).slice(2);
  if (!hex.startsWith(SECP256K1_PUB)) throw new Error("kid is not an secp256k1 did:key");
  return computeAddress("0x" + hex.slice(4));
}

/** Verifies a compact JWS signed ES256K by the key in its `kid`; returns that key's address and the payload. */
export function verifyJwsEs256k<T>(jws: string): VerifiedArtifact<T> {
  const header = extractJWSHeader(jws);
  if (header.alg !== "ES256K" || !header.kid) throw new Error("not an ES256K JWS with a kid");
  const expected = addressOfDidKey(header.kid);
  const [h, p, s] = jws.split(".");
  const sig = decodeBase64(s.replace(/-/g, "+").replace(/_/g, "/"));
  if (sig.length !== 64) throw new Error("ES256K signature must be 64 bytes");
  const digest = sha256(toUtf8Bytes(`${h}.${p}`));
  const r = hexlify(sig.subarray(0, 32));
  // OpenSSL and other JWS signers leave s high half the time; recovery wants the low-s twin (v tried both ways).
  const high = BigInt(hexlify(sig.subarray(32)));
  const ss = toBeHex(high > SECP256K1_N / 2n ? SECP256K1_N - high : high, 32);
  const ok = [27, 28].some((v) => {
    try {
      return recoverAddress(digest, { r, s: ss, v }) === expected;
    } catch {
      return false;
    }
  });
  if (!ok) throw new Error("JWS signature does not match its kid");
  return { signer: expected, payload: extractJWSPayload<T>(jws) };
}

/** Verifies a signed receipt (JWS ES256K or EIP-712); throws when the signature does not hold. */
export async function verifyReceipt(receipt: SignedReceipt): Promise<VerifiedArtifact<Z402ReceiptPayload>> {
  if (receipt.format === "jws") return verifyJwsEs256k<Z402ReceiptPayload>(receipt.signature);
  const { signer, payload } = await verifyReceiptSignatureEIP712(receipt);
  return { signer: getAddress(signer), payload };
}

/** Verifies a signed offer (JWS ES256K or EIP-712); throws when the signature does not hold. */
export async function verifyOffer(offer: SignedOffer): Promise<VerifiedArtifact<OfferPayload>> {
  if (offer.format === "jws") return verifyJwsEs256k<OfferPayload>(offer.signature);
  const { signer, payload } = await verifyOfferSignatureEIP712(offer);
  return { signer: getAddress(signer), payload };
}
