/**
 * The two agents: their descriptions (one source of truth for the A2A card and the ERC-8004 registration file)
 * and their creation through the AgentFactory, which deploys each agent's AgentAccount and registers it in one
 * transaction. The seller's AgentAccount is its `payTo`: income is settled straight into it.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { id, type Wallet } from "ethers";
import { createAgentWithCard, predictAgentAccount } from "../../sdk/cli/factory";
import { AgentCardBuilder } from "../../sdk/agents";
import type { Address } from "../../sdk/agents";
import { PRICE, SKILL } from "./seller";

export const SELLER_SALT = id("z402-demo-seller");
export const BUYER_SALT = id("z402-demo-buyer");

export interface CreatedAgent {
  agentId: bigint;
  account: string;
  card: AgentCardBuilder;
}

/** Where the seller's AgentAccount will be, before it exists (CREATE2, salt bound to the owner). */
export function predictAccount(factory: string, owner: Wallet, salt: string): Promise<string> {
  return predictAgentAccount(factory, owner, salt);
}

/** The seller's card: the summarize skill over A2A and paid HTTP, 0.001 USDC per request in the escrow scheme. */
export function sellerCard(o: {
  url: string;
  chainId: number;
  token: string;
  payTo: string;
}): AgentCardBuilder {
  const network = `eip155:${o.chainId}` as const;
  return new AgentCardBuilder({
    name: "Summarizer",
    description: "Summarizes English text into its two most informative sentences.",
    version: "1.0.0",
  })
    .addInterface(`${o.url}/a2a`, "JSONRPC", "1.0")
    .addSkill({
      id: SKILL,
      name: "Text summarization",
      description: "Returns the two most informative sentences of a text.",
      tags: ["summarization", "text", "nlp"],
      examples: ["Summarize this article"],
    })
    .withX402([
      {
        scheme: "batch-settlement",
        network,
        asset: o.token as Address,
        payTo: o.payTo as Address,
        amount: PRICE.toString(),
      },
    ])
    .addService("web", `${o.url}/${SKILL}`)
    .supportedTrust(["reputation"]);
}

/** The buyer's card: a research agent that buys summaries; its card is served from `url`. */
export function buyerCard(url: string): AgentCardBuilder {
  return new AgentCardBuilder({
    name: "Research assistant",
    description: "Reads documents and buys summaries from other agents.",
    version: "1.0.0",
  })
    .addInterface(`${url}/a2a`, "JSONRPC", "1.0")
    .addSkill({
      id: "research",
      name: "Document research",
      description: "Collects documents on a topic and reports their key points.",
      tags: ["research"],
    });
}

/** Serves an agent's A2A card at `/.well-known/agent-card.json` on loopback (for an agent with no other service). */
export async function serveCard(
  card: () => AgentCardBuilder | undefined,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const built = card();
    if (req.url !== "/.well-known/agent-card.json" || !built) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(built.buildA2A()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Creates an agent through the factory; returns its id and AgentAccount (from the AgentCreated event). */
export async function createAgent(
  factory: string,
  owner: Wallet,
  salt: string,
  card: AgentCardBuilder,
): Promise<CreatedAgent> {
  const { agentId, account } = await createAgentWithCard(factory, owner, salt, card);
  return { agentId, account, card };
}
