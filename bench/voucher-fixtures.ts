/** Signed vouchers and the wire header of a paid request, prepared once for the verification benchmark. */
import type { ChannelConfig, PaymentPayload, VoucherFields } from "../sdk/types";
import { buildChannelConfig, channelIdOf, SessionSigner, signVoucher } from "../sdk/signing";
import { escrowDomain, type Eip712Domain } from "../sdk/eip712";
import { encodePaymentSignatureHeader } from "../sdk/codec";

export const CHAIN_ID = 84532;
export const ESCROW = "0x4020074e9dF2ce1deE5A9C1b5c3f541D02a10003" as const;

export interface VoucherSet {
  config: ChannelConfig;
  domain: Eip712Domain;
  session: SessionSigner;
  vouchers: VoucherFields[];
  headers: string[];
}

/** `count` vouchers on one channel, cumulative amounts 1000, 2000, ... (each one a distinct signature). */
export async function makeVouchers(count: number): Promise<VoucherSet> {
  const session = new SessionSigner("0x" + "42".repeat(32));
  const config = buildChannelConfig({
    payer: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    payerAuthorizer: session.address,
    receiver: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
    receiverAuthorizer: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    token: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
    withdrawDelay: 3600,
    salt: ("0x" + "a1".repeat(32)) as `0x${string}`,
  });
  const domain = escrowDomain(CHAIN_ID, ESCROW);
  const channelId = channelIdOf(config, CHAIN_ID, ESCROW);
  const vouchers: VoucherFields[] = [];
  for (let i = 1; i <= count; i++)
    vouchers.push(await signVoucher(session, domain, channelId, BigInt(i) * 1000n));
  const headers = vouchers.map((voucher) => {
    const payment: PaymentPayload = {
      x402Version: 2,
      accepted: {
        scheme: "batch-settlement",
        network: `eip155:${CHAIN_ID}`,
        asset: config.token,
        amount: "1000",
        payTo: config.receiver,
        maxTimeoutSeconds: 60,
        extra: {
          receiverAuthorizer: config.receiverAuthorizer,
          withdrawDelay: 3600,
          name: "USDC",
          version: "2",
        },
      },
      payload: { type: "voucher", channelConfig: config, voucher },
    };
    return encodePaymentSignatureHeader(payment);
  });
  return { config, domain, session, vouchers, headers };
}
