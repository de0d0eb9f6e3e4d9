/**
 * z402's compact claim encoding for `claimPacked(receiver, receiverAuthorizer, token, packed)`: 173 bytes per
 * channel, `payer(20) payerAuthorizer(20) withdrawDelay(5) salt(32) maxClaimableAmount(16) totalClaimed(16) r(32)
 * vs(32)`, where `(r, vs)` is the EIP-2098 compact form of the voucher signature.
 */
import type { ChannelConfig } from "../types/batch-settlement";
import { addressToBytes } from "../utils/address";
import { bytesToHex, hexToBytes, type Hex } from "../utils/hex";
import { toUint, type BigNumberish } from "../eip712/hash";
import { parseSignature } from "../utils/signature";

export const PACKED_CLAIM_BYTES = 173;

export interface PackedClaimInput {
  config: ChannelConfig;
  maxClaimableAmount: BigNumberish;
  signature: Hex;
  /** Defaults to `maxClaimableAmount`. */
  totalClaimed?: BigNumberish;
}

function writeUint(out: Uint8Array, offset: number, value: bigint, bytes: number): void {
  let v = value;
  for (let i = bytes - 1; i >= 0; i--) {
    out[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** The `packed` argument of `claimPacked` (signatures must be canonical low-s 65-byte ECDSA). */
export function encodePackedClaims(rows: readonly PackedClaimInput[]): Hex {
  const out = new Uint8Array(PACKED_CLAIM_BYTES * rows.length);
  rows.forEach((row, i) => {
    const o = i * PACKED_CLAIM_BYTES;
    const { compact, recovery } = parseSignature(row.signature);
    out.set(addressToBytes(row.config.payer), o);
    out.set(addressToBytes(row.config.payerAuthorizer), o + 20);
    writeUint(out, o + 40, toUint(row.config.withdrawDelay, 40, "withdrawDelay"), 5);
    out.set(hexToBytes(row.config.salt), o + 45);
    writeUint(out, o + 77, toUint(row.maxClaimableAmount, 128, "maxClaimableAmount"), 16);
    writeUint(out, o + 93, toUint(row.totalClaimed ?? row.maxClaimableAmount, 128, "totalClaimed"), 16);
    out.set(compact.subarray(0, 32), o + 109);
    out.set(compact.subarray(32, 64), o + 141);
    if (recovery === 1) out[o + 141] |= 0x80;
  });
  return bytesToHex(out);
}
