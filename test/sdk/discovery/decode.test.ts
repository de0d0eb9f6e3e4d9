import { expect } from "chai";
import { Interface } from "ethers";
import { ESCROW_EVENTS, IDENTITY_EVENTS, decodeLogs } from "../../../sdk/discovery";
import { CONTRACTS, FakeChain, addr } from "./support/fake-chain";

describe("discovery/decodeLogs", function () {
  it("decodes Registered, URIUpdated and MetadataSet with non-ASCII text exactly", function () {
    const chain = new FakeChain()
      .registered(3n, "https://ä.example/ファイル.json", addr(1))
      .uriUpdated(3n, 'data:application/json,{"n":"é"}', addr(1))
      .metadataSet(3n, "região", "0x00ff10");
    const cs = decodeLogs(chain.all, CONTRACTS, 9);
    const p = cs.agents.get("3")!;
    expect(p.created).to.deep.equal({ owner: addr(1), uri: "https://ä.example/ファイル.json", block: 1 });
    expect(p.uri).to.equal('data:application/json,{"n":"é"}');
    expect(p.metadata).to.deep.equal({ região: "0x00ff10" });
    expect(cs.toBlock).to.equal(9);
  });

  it("reads an emptied agentWallet as unset", function () {
    const chain = new FakeChain().metadataSet(1n, "agentWallet", "0x");
    expect(decodeLogs(chain.all, CONTRACTS, 1).agents.get("1")!.wallet).to.equal(null);
  });

  it("keeps the highest claimed total per channel and feedback and revocations in order", function () {
    const ch = "0x" + "ab".repeat(32);
    const chain = new FakeChain()
      .channel(ch, addr(1), addr(2), addr(3))
      .claimed(ch, 4n, 4n)
      .claimed(ch, 6n, 10n)
      .feedback(1n, addr(1), 1n, 5n)
      .revoked(1n, addr(1), 1n);
    const cs = decodeLogs(chain.all, CONTRACTS, 1);
    expect(cs.channels).to.deep.equal([{ channelId: ch, payer: addr(1), receiver: addr(2), token: addr(3) }]);
    expect(cs.claims.get(ch)).to.equal(10n);
    expect(cs.feedback[0]).to.deep.include({
      client: addr(1),
      index: 1n,
      value: 5n,
      decimals: 0,
      tag1: "starred",
    });
    expect(cs.revocations).to.deep.equal([{ agentId: 1n, client: addr(1), index: 1n }]);
  });

  it("decodes escrow events the same way ethers does", function () {
    const iface = new Interface([...ESCROW_EVENTS]);
    const ch = "0x" + "cd".repeat(32);
    const chain = new FakeChain();
    for (const [name, args] of [
      ["ChannelCreated", [ch, [addr(1), addr(5), addr(2), addr(6), addr(3), 900, "0x" + "00".repeat(32)]]],
      ["Claimed", [ch, addr(7), 2n ** 127n, 2n ** 127n]],
    ] as const) {
      const { topics, data } = iface.encodeEventLog(iface.getEvent(name)!, args as unknown as unknown[]);
      chain.all.push({ address: CONTRACTS.escrow, topics, data, blockNumber: 1, index: chain.all.length });
    }
    const cs = decodeLogs(chain.all, CONTRACTS, 1);
    expect(cs.channels).to.deep.equal([{ channelId: ch, payer: addr(1), receiver: addr(2), token: addr(3) }]);
    expect(cs.claims.get(ch)).to.equal(2n ** 127n);
  });

  it("reads new totals from ClaimedPacked entries and never lowers a total", function () {
    const iface = new Interface([...ESCROW_EVENTS]);
    const [a, b] = ["0x" + "0a".repeat(32), "0x" + "0b".repeat(32)];
    const entry = (id: string, total: bigint) => id.slice(2) + total.toString(16).padStart(32, "0");
    const packed = "0x" + entry(a, 700n) + entry(b, 2n ** 100n);
    const { topics, data } = iface.encodeEventLog(iface.getEvent("ClaimedPacked")!, [
      addr(1),
      addr(2),
      addr(3),
      packed,
    ]);
    const chain = new FakeChain().claimed(a, 900n, 900n);
    chain.all.push({ address: CONTRACTS.escrow, topics, data, blockNumber: 1, index: chain.all.length });
    const cs = decodeLogs(chain.all, CONTRACTS, 1);
    expect(cs.claims.get(a)).to.equal(900n);
    expect(cs.claims.get(b)).to.equal(2n ** 100n);
  });

  it("ignores a ClaimedPacked whose data is not whole entries", function () {
    const iface = new Interface([...ESCROW_EVENTS]);
    const { topics, data } = iface.encodeEventLog(iface.getEvent("ClaimedPacked")!, [
      addr(1),
      addr(2),
      addr(3),
      "0x1234",
    ]);
    const cs = decodeLogs(
      [{ address: CONTRACTS.escrow, topics, data, blockNumber: 1, index: 0 }],
      CONTRACTS,
      1,
    );
    expect(cs.claims.size).to.equal(0);
  });

  it("decodes negative feedback values and the tags exactly", function () {
    const chain = new FakeChain().feedback(2n, addr(4), 3n, -32n, 1, "tradingYield");
    expect(decodeLogs(chain.all, CONTRACTS, 1).feedback[0]).to.deep.equal({
      agentId: 2n,
      client: addr(4),
      index: 3n,
      value: -32n,
      decimals: 1,
      tag1: "tradingYield",
      tag2: "",
      revoked: false,
    });
  });

  it("reads the fixture's hand-encoded identity events exactly as ethers encodes them", function () {
    const iface = new Interface([...IDENTITY_EVENTS]);
    const uri = "data:application/json;base64,ÄÖ" + "x".repeat(70);
    const chain = new FakeChain().registered(5n, uri, addr(3));
    const wallet = iface.encodeEventLog(iface.getEvent("MetadataSet")!, [
      5n,
      "agentWallet",
      "agentWallet",
      addr(3),
    ]);
    const registered = iface.encodeEventLog(iface.getEvent("Registered")!, [5n, uri, addr(3)]);
    expect(chain.all.map((l) => ({ topics: l.topics, data: l.data }))).to.deep.equal([wallet, registered]);
  });

  it("skips a log whose data is truncated", function () {
    const chain = new FakeChain().registered(1n, "https://x.example/a.json", addr(1));
    const broken = chain.all.map((l) => ({ ...l, data: l.data.slice(0, 100) }));
    expect(decodeLogs(broken, CONTRACTS, 1).agents.size).to.equal(0);
  });
});
