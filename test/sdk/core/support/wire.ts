/** Sample wire objects for the codec tests. */
import type { PaymentPayload, PaymentRequired, SettleResponse } from "../../../../sdk/types";
import { CONFIG, RECEIVER, RECEIVER_AUTHORIZER, TOKEN } from "./fixtures";

export const REQUIREMENTS = {
  scheme: "batch-settlement",
  network: "eip155:84532",
  asset: TOKEN,
  amount: "1000",
  payTo: RECEIVER,
  maxTimeoutSeconds: 60,
  extra: { receiverAuthorizer: RECEIVER_AUTHORIZER, withdrawDelay: 3600, name: "USDC", version: "2" },
} as const;

export const PAYMENT_REQUIRED: PaymentRequired = {
  x402Version: 2,
  error: "payment required",
  resource: { url: "https://api.example/weather", description: "Weather", mimeType: "application/json" },
  accepts: [
    { ...REQUIREMENTS, extra: { ...REQUIREMENTS.extra } },
    { ...REQUIREMENTS, scheme: "exact", extra: { name: "USDC", version: "2" } },
  ],
};

export const PAYMENT_PAYLOAD: PaymentPayload = {
  x402Version: 2,
  resource: { url: "https://api.example/weather" },
  accepted: { ...REQUIREMENTS, extra: { ...REQUIREMENTS.extra } },
  payload: {
    type: "voucher",
    channelConfig: CONFIG,
    voucher: {
      channelId: "0x" + "11".repeat(32),
      maxClaimableAmount: "1000",
      signature: "0x" + "22".repeat(65),
    },
  },
  extensions: { "payment-identifier": { info: { id: "req-0123456789abcdef" } } },
};

export const SETTLE_RESPONSE: SettleResponse = {
  success: true,
  transaction: "",
  network: "eip155:84532",
  payer: CONFIG.payer,
  amount: "",
  extra: { chargedAmount: "1000" },
};
