import { expect } from "chai";
import { Wallet } from "ethers";
import type { SignedReceipt } from "@x402/extensions/offer-receipt";
import {
  DiscoveryIndexer,
  MemoryDiscoveryStore,
  paidReputation,
  type DiscoveryStore,
} from "../../../sdk/discovery";
import { receiptKeyOf, type ChannelLookup } from "../../../sdk/discovery/receipt-credit";
import { OfferReceiptIssuer } from "../../../sdk/server/offer-receipt";
import { CONTRACTS, FakeChain, addr } from "./support/fake-chain";
import { TOKEN, agentBuilder } from "./support/agents";

/**
 * Paid reputation from receipts (issue 21): feedback carrying a receipt signed by the agent's registered receipt
 * key counts like a channel payment, but never for more than the chain confirms on the receipt's channel, so
 * receipts the agent mints for itself (it holds the key) are worthless; forged and duplicated ones are refused.
 */
const AGENT = 1n;
const ACCOUNT = addr(1, 0xaa);
const OWNER = addr(1, 0x0b);
const WALLET = addr(7, 0xfe);
const CUSTOMER = addr(1, 0xcc);
const SECOND = addr(2, 0xcc);
const SERVER = new Wallet("0x" + "5e".repeat(32));
const channelId = (n: number) => "0x" + n.toString(16).padStart(64, "0");

/** Agent 1 registers SERVER as its receipt key; CUSTOMER paid 1,000 on channel 1 and gave 100. */
function agentChain() {
  return new FakeChain()
    .registered(AGENT, agentBuilder(1, ACCOUNT).toDataURI(), OWNER)
    .agentCreated(AGENT, ACCOUNT, OWNER)
    .metadataSet(AGENT, "agentWallet", WALLET)
    .metadataSet(AGENT, "receiptSigner", SERVER.address)
    .channel(channelId(1), CUSTOMER, ACCOUNT, TOKEN)
    .claimed(channelId(1), 1_000n, 1_000n)
    .feedback(AGENT, CUSTOMER, 1n, 100n);
}

async function indexed(chain: FakeChain): Promise<DiscoveryStore> {
  const store = new MemoryDiscoveryStore();
  await new DiscoveryIndexer({
    source: chain,
    store,
    contracts: CONTRACTS,
    cardHashOf: async () => undefined,
  }).sync();
  return store;
}

/** A receipt as the paywall signs it: `payer` charged up to `cumulative` on channel `n`, paid to `payTo`. */
function receipt(payer: string, n: number, cumulative: bigint, key: Wallet = SERVER, payTo = ACCOUNT) {
  return new OfferReceiptIssuer(key).receipt({
    resourceUrl: "https://agent.example/paid",
    payer,
    network: "eip155:31337",
    terms: {
      scheme: "batch-settlement",
      asset: TOKEN,
      payTo,
      amount: "10",
      channelId: channelId(n),
      chargedCumulativeAmount: cumulative.toString(),
      signedMaxClaimable: cumulative.toString(),
    },
  });
}

describe("discovery/paidReputation: receipts", function () {
  it("reads the agent's receipt key from its ERC-8004 metadata (else its agentWallet)", async function () {
    const store = await indexed(agentChain());
    expect(receiptKeyOf((await store.agent(AGENT))!)).to.equal(SERVER.address);
  });

  it("counts a valid receipt, without adding it to the same claimed money twice", async function () {
    const store = await indexed(agentChain());
    const rep = await paidReputation(store, AGENT, { receipts: [await receipt(CUSTOMER, 1, 1_000n)] });
    expect(rep).to.deep.include({ paidClients: 1, totalPaid: 1_000n, score: 100 });
    expect(rep.receipts?.credited).to.equal(1);
  });

  it("credits a payer the index has not seen paying, up to what the chain shows claimed", async function () {
    // The indexer saw the channel open but not yet its claim; the chain (channelOf) already shows 400 claimed.
    const store = await indexed(
      agentChain().channel(channelId(2), SECOND, ACCOUNT, TOKEN).feedback(AGENT, SECOND, 1n, 0n),
    );
    const onChain: ChannelLookup = async (id) =>
      id === channelId(2)
        ? { channelId: id, payer: SECOND, receiver: ACCOUNT, token: TOKEN, claimed: 400n }
        : store.channel!(id);
    const without = await paidReputation(store, AGENT);
    expect(without).to.deep.include({ paidClients: 1, totalPaid: 1_000n });
    const rep = await paidReputation(store, AGENT, {
      receipts: [await receipt(SECOND, 2, 900n)],
      channelOf: onChain,
    });
    expect(rep).to.deep.include({ paidClients: 2, totalPaid: 1_400n });
  });

  it("makes self-minted receipts worthless: no channel, or a channel with nothing claimed", async function () {
    const sybil = addr(9, 0x51);
    // A sybil that never paid (no channel) and one that only deposited (channel, nothing claimed): both rate 0.
    const chain = agentChain()
      .channel(channelId(3), addr(9, 0x52), ACCOUNT, TOKEN)
      .feedback(AGENT, sybil, 1n, 0n)
      .feedback(AGENT, addr(9, 0x52), 1n, 0n);
    const store = await indexed(chain);
    const minted = [await receipt(sybil, 77, 1_000_000n), await receipt(addr(9, 0x52), 3, 1_000_000n)];
    const rep = await paidReputation(store, AGENT, { receipts: minted });
    expect(rep).to.deep.include({ paidClients: 1, totalPaid: 1_000n, score: 100 });
    expect(rep.receipts).to.deep.include({ credited: 0 });
    expect(rep.receipts?.refused.channel).to.equal(2);
  });

  it("caps a receipt at the channel's on-chain claimed total, and checks the channel's payer", async function () {
    const chain = agentChain().channel(channelId(4), SECOND, ACCOUNT, TOKEN).claimed(channelId(4), 5n, 5n);
    const store = await indexed(chain.feedback(AGENT, SECOND, 1n, 0n));
    // The receipt says 1,000,000 were charged on channel 4: only the 5 claimed on chain count.
    const rep = await paidReputation(store, AGENT, { receipts: [await receipt(SECOND, 4, 1_000_000n)] });
    expect(rep).to.deep.include({ paidClients: 2, totalPaid: 1_005n });
    const stolen = await paidReputation(store, AGENT, {
      receipts: [await receipt(addr(3, 0x99), 1, 1_000n)],
    });
    expect(stolen.receipts?.refused.channel).to.equal(1); // channel 1 is CUSTOMER's, not this payer's
  });

  it("refuses forged, tampered, foreign and duplicated receipts", async function () {
    const store = await indexed(agentChain());
    const good = await receipt(CUSTOMER, 1, 1_000n);
    const forged = await receipt(CUSTOMER, 1, 1_000n, new Wallet("0x" + "66".repeat(32)));
    const [h, p, s] = good.signature.split(".");
    const body = JSON.parse(Buffer.from(p, "base64url").toString());
    body.payer = SECOND;
    const tampered: SignedReceipt = {
      format: "jws",
      signature: `${h}.${Buffer.from(JSON.stringify(body)).toString("base64url")}.${s}`,
    };
    const foreign = await receipt(CUSTOMER, 1, 1_000n, SERVER, addr(5, 0x77));
    const rep = await paidReputation(store, AGENT, { receipts: [good, good, forged, tampered, foreign] });
    expect(rep.receipts).to.deep.equal({
      credited: 1,
      refused: { signature: 1, signer: 1, agent: 1, terms: 0, channel: 0, duplicate: 1 },
    });
    expect(rep).to.deep.include({ paidClients: 1, totalPaid: 1_000n });
  });

  it("leaves out receipts of the agent's own addresses (self-payments)", async function () {
    const chain = agentChain()
      .channel(channelId(5), OWNER, ACCOUNT, TOKEN)
      .claimed(channelId(5), 1_000_000n, 1_000_000n)
      .feedback(AGENT, OWNER, 1n, 0n);
    const rep = await paidReputation(await indexed(chain), AGENT, {
      receipts: [await receipt(OWNER, 5, 1_000_000n)],
    });
    expect(rep).to.deep.include({ paidClients: 1, totalPaid: 1_000n, score: 100, selfPayers: 1 });
  });
});
