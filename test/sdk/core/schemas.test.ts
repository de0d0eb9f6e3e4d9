import { expect } from "chai";
import {
  addressSchema,
  caip2Schema,
  ChannelConfigSchema,
  signatureSchema,
  uint128String,
  uint256String,
  VoucherPayloadSchema,
} from "../../../sdk/schemas";
import { CONFIG } from "./support/fixtures";

const MAX_128 = ((1n << 128n) - 1n).toString();
const MAX_256 = ((1n << 256n) - 1n).toString();

describe("sdk/schemas", function () {
  describe("decimal amounts", function () {
    it("accepts zero and the uint128 maximum", function () {
      expect(uint128String.safeParse("0").success).to.equal(true);
      expect(uint128String.safeParse(MAX_128).success).to.equal(true);
    });

    it("rejects the uint128 maximum plus one", function () {
      expect(uint128String.safeParse((BigInt(MAX_128) + 1n).toString()).success).to.equal(false);
    });

    it("accepts the uint256 maximum and rejects one more", function () {
      expect(uint256String.safeParse(MAX_256).success).to.equal(true);
      expect(uint256String.safeParse((BigInt(MAX_256) + 1n).toString()).success).to.equal(false);
    });

    for (const bad of ["-1", "0x10", "1e21", "01", " 1", "1.0", "", "+5", "１"]) {
      it(`rejects ${JSON.stringify(bad)}`, function () {
        expect(uint256String.safeParse(bad).success).to.equal(false);
      });
    }

    it("rejects JS numbers", function () {
      expect(uint256String.safeParse(1000).success).to.equal(false);
    });

    it("rejects an 8 KiB digit string without converting it", function () {
      expect(uint256String.safeParse("9".repeat(8192)).success).to.equal(false);
    });
  });

  describe("addresses", function () {
    it("accepts a valid EIP-55 checksum", function () {
      expect(addressSchema.safeParse("0x036CbD53842c5426634e7929541eC2318f3dCF7e").success).to.equal(true);
    });

    it("accepts all-lower-case addresses (no checksum information)", function () {
      expect(addressSchema.safeParse("0x036cbd53842c5426634e7929541ec2318f3dcf7e").success).to.equal(true);
    });

    it("rejects a wrong mixed-case checksum", function () {
      expect(addressSchema.safeParse("0x036CbD53842c5426634e7929541eC2318f3dCF7E").success).to.equal(false);
    });

    it("rejects 19 bytes and an upper-case 0X prefix", function () {
      expect(addressSchema.safeParse("0x036cbd53842c5426634e7929541ec2318f3dcf").success).to.equal(false);
      expect(addressSchema.safeParse("0X036cbd53842c5426634e7929541ec2318f3dcf7e").success).to.equal(false);
    });
  });

  describe("signatures and networks", function () {
    it("rejects odd-length hex and fewer than 64 bytes", function () {
      expect(signatureSchema.safeParse("0x" + "ab".repeat(65) + "a").success).to.equal(false);
      expect(signatureSchema.safeParse("0x" + "ab".repeat(63)).success).to.equal(false);
    });

    it("accepts CAIP-2 ids and rejects v1 names", function () {
      expect(caip2Schema.safeParse("eip155:84532").success).to.equal(true);
      expect(caip2Schema.safeParse("base-sepolia").success).to.equal(false);
    });
  });

  describe("batch-settlement payloads", function () {
    it("accepts a well-formed voucher payload", function () {
      const payload = {
        type: "voucher",
        channelConfig: CONFIG,
        voucher: {
          channelId: "0x" + "11".repeat(32),
          maxClaimableAmount: "1000",
          signature: "0x" + "22".repeat(65),
        },
      };
      expect(VoucherPayloadSchema.safeParse(payload).success).to.equal(true);
    });

    it("rejects a withdrawDelay that does not fit uint40", function () {
      expect(ChannelConfigSchema.safeParse({ ...CONFIG, withdrawDelay: 2 ** 40 }).success).to.equal(false);
    });

    it("rejects a config with a missing field", function () {
      const { salt: _salt, ...rest } = CONFIG;
      expect(ChannelConfigSchema.safeParse(rest).success).to.equal(false);
    });
  });
});
