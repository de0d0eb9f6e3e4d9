// Gas of AgentFactory.createAgent (100-byte URI, one metadata entry), with a breakdown that shows where it goes.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { measure } from "../measure";
import { table, type GasSection } from "../section";

const URI_100 = "ipfs://" + "b".repeat(93);
/** EIP-2929/2200: a zero-to-non-zero write of a cold slot. */
const NEW_SLOT = 22_100;

export default async function agentsSection(hre: HardhatRuntimeEnvironment): Promise<GasSection> {
  const { ethers } = hre;
  const [, owner, other] = await ethers.getSigners();
  const identity = await ethers.deployContract("IdentityRegistry");
  const factory = await ethers.deployContract("AgentFactory", [await identity.getAddress()]);
  await identity.setFactory(await factory.getAddress());
  const md = [
    { metadataKey: "skills", metadataValue: ethers.hexlify(ethers.toUtf8Bytes("translate,summarize")) },
  ];
  const card = ethers.id("registration file");

  const first = await measure(factory.connect(owner).createAgent(ethers.id("a"), URI_100, card, md));
  const second = await measure(factory.connect(owner).createAgent(ethers.id("b"), URI_100, card, md));
  const newOwner = await measure(factory.connect(other).createAgent(ethers.id("a"), URI_100, card, md));
  const plain = await measure(identity.connect(other)["register(string,(string,bytes)[])"](URI_100, md));
  const account = await ethers.getContractAt("AgentAccount", await factory.agentAccountOf(1n));
  const heartbeat = await measure(account.connect(owner).heartbeat());
  const setCard = await measure(account.connect(owner).setCardHash(ethers.id("v2")));

  const slots: [string, number][] = [
    ["identity token owner + owner balance (ERC-721 mint)", 2],
    ["agent URI, 100 bytes (length slot + 4 data slots)", 5],
    ["one metadata entry (<= 31 bytes) + `agentAccount` entry", 2],
    ["factory: account list element + agentId -> account", 2],
    ["account clone: agentId/heartbeat slot + card hash", 2],
  ];
  const slotGas = slots.reduce((n, [, k]) => n + k * NEW_SLOT, 0);
  const markdown = [
    table(
      ["call", "total", "execution"],
      [
        ["`createAgent` (100-byte URI, 1 metadata entry), first agent ever", first.total, first.execution],
        ["`createAgent`, same owner again", second.total, second.execution],
        ["`createAgent`, a new owner", newOwner.total, newOwner.execution],
        ["for comparison: `register(uri, metadata)` alone, same inputs", plain.total, plain.execution],
        ["`AgentAccount.heartbeat`", heartbeat.total, heartbeat.execution],
        ["`AgentAccount.setCardHash`", setCard.total, setCard.execution],
      ],
    ),
    "",
    `**Goal <= 200k for createAgent: not reachable.** A new agent writes ${slots.reduce((n, [, k]) => n + k, 0)}`,
    `fresh storage slots at ${NEW_SLOT.toLocaleString("en")} gas each (${slotGas.toLocaleString("en")} gas) before the`,
    "21,000 base cost, calldata, the EIP-1167 CREATE2 deployment (32,000 + 45 bytes of code) and the events:",
    "",
    table(
      ["fresh slots", "count", "gas"],
      slots.map(([what, k]) => [what, k, (k * NEW_SLOT).toLocaleString("en")]),
    ),
    "",
    "The registration alone (ERC-721 mint, the URI and the metadata, which ERC-8004 requires on-chain) is about",
    `${Math.round(Number(plain.total) / 1000)}k. The clone's own state is two slots (the agent id packed with the`,
    "heartbeat, and the card hash); the owner is read from the identity token, never stored.",
    "",
  ].join("\n");
  return { order: 30, title: "Agent factory", markdown };
}
