import { expect } from "chai";
import { explainRefusal } from "../../sdk/cli/refusals";

const CHANNEL = `0x7a743db0${"ab".repeat(26)}86f8`;

describe("z402 CLI: a channel the chain refused to claim, in words", function () {
  it("says the payer took the balance away, in token units, when the claim exceeds the balance", function () {
    const line = explainRefusal({
      channelId: CHANNEL,
      reason: `EscrowClaimExceedsBalance(${CHANNEL}, 3000, 2000)`,
    });
    expect(line).to.equal(
      "0x7a743db0…86f8 the channel holds 0.002 USDC, less than the 0.003 USDC its vouchers add up to (the payer withdrew or was refunded before they were claimed)",
    );
  });

  it("names the voucher's ceiling in token units when the claim exceeds the voucher", function () {
    const line = explainRefusal({
      channelId: CHANNEL,
      reason: `EscrowClaimExceedsVoucher(${CHANNEL}, 1500000, 1000000)`,
    });
    expect(line).to.match(/the claim of 1\.5 USDC is more than the 1 USDC the voucher allows$/);
  });

  it("shows a reason it does not know as it is", function () {
    const line = explainRefusal({ channelId: CHANNEL, reason: "facilitator refused: invalid_payload" });
    expect(line).to.equal("0x7a743db0…86f8 facilitator refused: invalid_payload");
  });
});
