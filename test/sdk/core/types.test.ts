/**
 * Our escrow-scheme payload types are @x402/evm's shapes: values flow both ways without conversion (checked by the
 * compiler in `npm run typecheck`), and @x402/evm's runtime guards accept what our signing layer builds.
 */
import { expect } from "chai";
import {
  isBatchSettlementDepositPayload,
  isBatchSettlementVoucherPayload,
  type BatchSettlementDepositPayload as X402DepositPayload,
  type BatchSettlementVoucherPayload as X402VoucherPayload,
  type ChannelConfig as X402ChannelConfig,
} from "@x402/evm";
import type { ChannelConfig, DepositPayload, VoucherPayload } from "../../../sdk/types";
import { channelIdOf, signDepositAuthorization, signVoucher, tokenDomain } from "../../../sdk/signing";
import { escrowDomain } from "../../../sdk/eip712";
import { parseBatchSettlementPayload } from "../../../sdk/codec";
import { CONFIG, ESCROW, payerWallet, session, TOKEN } from "./support/fixtures";

// Compile-time: each side's values are assignable to the other's types.
const toTheirs = (c: ChannelConfig): X402ChannelConfig => c;
const toOurs = (c: X402ChannelConfig): ChannelConfig => c;
const voucherToTheirs = (p: VoucherPayload): X402VoucherPayload => p;
const voucherToOurs = (p: X402VoucherPayload): VoucherPayload => p;
const depositToTheirs = (p: DepositPayload): X402DepositPayload => p;
void [toTheirs, toOurs, voucherToTheirs, voucherToOurs, depositToTheirs];

const DOMAIN = escrowDomain(84532, ESCROW);
const CHANNEL_ID = channelIdOf(CONFIG, 84532, ESCROW);

describe("sdk/types against @x402/evm", function () {
  it("builds voucher payloads @x402/evm recognises", async function () {
    const payload: VoucherPayload = {
      type: "voucher",
      channelConfig: CONFIG,
      voucher: await signVoucher(session, DOMAIN, CHANNEL_ID, 1000n),
    };
    expect(isBatchSettlementVoucherPayload(payload)).to.equal(true);
    expect(parseBatchSettlementPayload(payload)).to.deep.equal(payload);
  });

  it("builds deposit payloads @x402/evm recognises", async function () {
    const erc3009Authorization = await signDepositAuthorization(
      payerWallet,
      tokenDomain(84532, TOKEN, "USDC", "2"),
      {
        payer: CONFIG.payer,
        collector: "0x4020806089470a89826cB9fB1f4059150b550004",
        channelId: CHANNEL_ID,
        amount: 5_000_000n,
        validAfter: 0n,
        validBefore: 4_000_000_000n,
      },
    );
    const payload: DepositPayload = {
      type: "deposit",
      channelConfig: CONFIG,
      voucher: await signVoucher(session, DOMAIN, CHANNEL_ID, 1000n),
      deposit: { amount: "5000000", authorization: { erc3009Authorization } },
    };
    expect(isBatchSettlementDepositPayload(payload)).to.equal(true);
    expect(parseBatchSettlementPayload(payload)).to.deep.equal(payload);
  });
});
