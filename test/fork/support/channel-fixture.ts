import { time } from "@nomicfoundation/hardhat-network-helpers";
import { hexlify, randomBytes } from "ethers";
import { erc3009CollectorData, escrowDomain, type ChannelConfig } from "./channel";
import { systemOnForkFixture } from "./system";

/** USDC per request in the tests: 0.001 USDC. */
export const PRICE = 1_000n;
/** The opening deposit: 10 USDC. */
export const DEPOSIT = 10_000_000n;

/** The system on the fork plus one channel config (session key as payerAuthorizer, server as receiverAuthorizer). */
export async function channelFixture() {
  const base = await systemOnForkFixture();
  const config: ChannelConfig = {
    payer: base.payer.address,
    payerAuthorizer: base.session.address,
    receiver: base.receiver.address,
    receiverAuthorizer: base.server.address,
    token: await base.token.getAddress(),
    withdrawDelay: 900n,
    salt: hexlify(randomBytes(32)),
  };
  const channelId = await base.escrow.getChannelId(config);
  const domain = await escrowDomain(base.escrow);
  /** The server submits the payer's gasless deposit through the EIP-3009 collector. */
  const deposit = async (amount: bigint) => {
    const collector = await base.depositCollector.getAddress();
    const auth = await erc3009CollectorData(
      base.payer,
      base.token,
      collector,
      channelId,
      amount,
      await time.latest(),
    );
    const tx = base.escrow.connect(base.server).deposit(config, amount, collector, auth.data);
    return { tx, nonce: auth.nonce };
  };
  return { ...base, config, channelId, domain, deposit };
}

/** A channel opened with DEPOSIT. */
export async function openChannelFixture() {
  const f = await channelFixture();
  await (await (await f.deposit(DEPOSIT)).tx).wait();
  return f;
}
