/**
 * Runs the demo's seller agent against a running chain (e.g. `z402 node`), until Ctrl-C:
 *
 *   npx ts-node --transpile-only examples/demo/serve-seller.ts [rpcUrl] [deploymentFile]
 *
 * It creates the seller agent through the factory (Hardhat test account #1 owns it), then serves its A2A agent and
 * the paid `POST /summarize` API on loopback, with the demo's facilitator (in process, test account #3 pays the
 * deposits' gas) landing its deposits and cataloging the API (Bazaar). Try it with `z402 discover --skill summarize`
 * (add `--facilitator <url>` for the catalog) and `z402 pay`.
 */
import { JsonRpcProvider, Network } from "ethers";
import { devAccounts } from "../../sdk/cli/commands/node";
import { loadDeployment, need } from "../../sdk/cli/deployment";
import { renderError } from "../../sdk/cli/errors";
import { createAgent, predictAccount, sellerCard, SELLER_SALT } from "./agents";
import { startFacilitator } from "./facilitator";
import { startSeller } from "./seller";

async function main(): Promise<void> {
  const rpcUrl = process.argv[2] ?? "http://127.0.0.1:8545";
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: false });
  const chainId = Number((await provider.getNetwork()).chainId);
  const staticProvider = new JsonRpcProvider(rpcUrl, Network.from(chainId), { staticNetwork: true });
  provider.destroy();
  const d = loadDeployment(chainId, process.argv[3]);
  const owner = devAccounts(2)[1].connect(staticProvider);
  const factory = need(d, "factory");
  const token = need(d, "token");
  const payTo = await predictAccount(factory, owner, SELLER_SALT);
  const [escrow, collector] = [need(d, "escrow"), need(d, "collector")];
  const facilitator = await startFacilitator({
    chainId: BigInt(chainId),
    escrow,
    collector,
    signer: devAccounts(4)[3].connect(staticProvider),
  });
  const seller = await startSeller({
    chainId: BigInt(chainId),
    escrow,
    collector,
    token: { address: token, name: "USDC", version: "2" },
    payTo,
    relayer: owner,
    authorizer: owner,
    card: (url) => sellerCard({ url, chainId, token, payTo }),
    facilitator: facilitator.url,
  });
  const agent = await createAgent(factory, owner, SELLER_SALT, seller.card);
  console.log(`Seller agent #${agent.agentId} (AgentAccount ${agent.account}) serving on ${seller.url}`);
  console.log(`  A2A card   ${seller.url}/.well-known/agent-card.json`);
  console.log(`  paid API   POST ${seller.url}/summarize  (0.001 USDC per request)`);
  console.log(`  vouchers   ${seller.storeFile}`);
  console.log(
    `  facilitator ${facilitator.url}  (deposits; its Bazaar catalog lists the paid API once paid)`,
  );
  await new Promise<void>((resolve) => process.once("SIGINT", resolve));
  await seller.close();
  await facilitator.close();
  staticProvider.destroy();
}

main().catch((err: unknown) => {
  console.error(`seller failed: ${renderError(err)}`);
  process.exit(1);
});
