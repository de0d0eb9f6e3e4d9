import { expect } from "chai";
import { mkdirSync } from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { Contract, parseUnits } from "ethers";
import type { Browser, Page } from "playwright-core";
import { startWorld, type World } from "../../examples/demo/world";
import { need } from "../../sdk/cli/deployment";
import { buildPage } from "./support/build-page";
import { chromiumInstalled, launchChromium } from "./support/chromium";
import { startBrowserSeller, type BrowserSeller } from "./support/seller";
import { serveSite, type StaticSite } from "./support/static-site";

const OUT = path.resolve(__dirname, "../../test-output/dapp");
const ESCROW_ABI = [
  "function channels(bytes32) view returns (uint128 balance, uint128 totalClaimed)",
  "function pendingWithdrawals(bytes32) view returns (uint128 amount, uint40 initiatedAt)",
];
const FACTORY_ABI = ["function agentCount() view returns (uint256)"];
const BUYER_FUNDS = parseUnits("10", 6);
const PRICE = 1_000n; // 0.001 USDC

/** The page's numbers are 6-decimal token amounts printed without trailing zeros. */
function usdc(amount: bigint): string {
  const frac = (amount % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "");
  return `${amount / 1_000_000n}${frac ? `.${frac}` : ""}`;
}

describe("dApp in Chromium", function () {
  this.timeout(300_000);
  let world: World;
  let seller: BrowserSeller;
  let site: StaticSite;
  let browser: Browser;
  let page: Page;
  let escrow: Contract;
  let factory: Contract;
  let siteConfig: Record<string, unknown>;
  const pageErrors: string[] = [];
  const consoleLines: string[] = [];

  const text = (testId: string) => page.locator(`[data-testid="${testId}"]`).innerText();
  const waitForText = (testId: string, expected: string) =>
    page.waitForFunction(
      ([id, want]) => document.querySelector(`[data-testid="${id}"]`)?.textContent === want,
      [testId, expected] as const,
      { timeout: 60_000 },
    );

  before(async function () {
    if (!chromiumInstalled())
      throw new Error("Debian's chromium is missing: scripts/test-deps.sh installs it (npm test runs it)");
    mkdirSync(OUT, { recursive: true });
    const built = buildPage(path.join(OUT, "site"));
    console.log(`      production page: ${(built.bytes / 1024).toFixed(1)} KiB`);

    world = await startWorld(hre, BUYER_FUNDS);
    const d = world.deployment;
    seller = await startBrowserSeller({
      chainId: BigInt(world.chain.chainId),
      escrow: need(d, "escrow"),
      collector: need(d, "collector"),
      token: String(world.token.target),
      price: PRICE,
      seller: world.sellerOwner,
    });
    escrow = new Contract(need(d, "escrow"), ESCROW_ABI, world.provider);
    factory = new Contract(need(d, "factory"), FACTORY_ABI, world.provider);
    siteConfig = {
      rpcUrl: world.chain.url,
      chainId: world.chain.chainId,
      contracts: {
        escrow: need(d, "escrow"),
        depositCollector: need(d, "collector"),
        usdc: String(world.token.target),
        identityRegistry: need(d, "identity"),
        reputationRegistry: need(d, "reputation"),
        agentFactory: need(d, "factory"),
      },
      sellerUrl: seller.url,
      devPrivateKey: world.buyerOwner.privateKey,
    };
    site = await serveSite(built.dir, siteConfig);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    await page.goto(site.url);
    await page.waitForSelector("body[data-ready]", { timeout: 120_000 });
  });

  afterEach(async function () {
    // On failure, what the page told its user and its console say more than a timeout does.
    if (this.currentTest?.state === "failed" && page) {
      console.log(`      page message: ${await text("message")}`);
      console.log(consoleLines.map((l) => `      console ${l}`).join("\n"));
    }
  });

  after(async function () {
    if (page) await page.screenshot({ path: path.join(OUT, "dapp.png"), fullPage: true });
    await browser?.close();
    await site?.close();
    await seller?.close();
    await world?.close();
  });

  it("connects to the local chain with the development key and shows its balance", async function () {
    expect(await page.getAttribute("body", "data-ready")).to.equal("true", await text("message"));
    expect(await text("chain")).to.contain(String(world.chain.chainId));
    expect(await text("account")).to.contain(world.buyerOwner.address);
    expect(await text("usdc-balance")).to.equal(usdc(BUYER_FUNDS));
  });

  it("creates an agent through the factory and lists it from the registry", async function () {
    const before = (await factory.agentCount()) as bigint;
    await page.fill('input[name="name"]', "Browser agent");
    await page.click('[data-testid="create-agent"]');
    await waitForText("agent-count", String(before + 1n));
    expect(await factory.agentCount()).to.equal(before + 1n);
    await page.waitForSelector('[data-testid="agents"] tr >> text=Browser agent');
  });

  it("makes 20 paid requests and shows the vouchers and the channel as the escrow holds them", async function () {
    await page.fill('input[name="count"]', "20");
    await page.click('[data-testid="pay"]');
    await waitForText("voucher-count", "20");
    await waitForText("message", "20 paid requests done.");
    expect(await text("spent")).to.equal(usdc(PRICE * 20n));
    // The page refreshes its chain view after the last request.
    await page.waitForSelector("body:not([data-busy])", { timeout: 60_000 });
    const channelId = await text("channel-id");
    const [balance, totalClaimed] = (await escrow.channels(channelId)) as [bigint, bigint];
    expect(balance).to.be.greaterThan(0n);
    expect(await text("channel-balance")).to.equal(usdc(balance));
    expect(await text("channel-claimed")).to.equal(usdc(totalClaimed));
    expect(await text("usdc-balance")).to.equal(usdc(BUYER_FUNDS - balance));
  });

  it("starts a withdrawal of what it has not spent and shows it pending", async function () {
    await page.click('[data-testid="withdraw"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="channel-withdrawal"]')?.textContent !== "none",
      undefined,
      { timeout: 60_000 },
    );
    const [amount, initiatedAt] = (await escrow.pendingWithdrawals(await text("channel-id"))) as [
      bigint,
      bigint,
    ];
    expect(initiatedAt).to.be.greaterThan(0n);
    const [balance] = (await escrow.channels(await text("channel-id"))) as [bigint, bigint];
    expect(amount).to.equal(balance - PRICE * 20n);
    expect(await text("channel-withdrawal")).to.contain(usdc(amount));
  });

  it("finishes the withdrawal after the delay and shows the funds back", async function () {
    await hre.network.provider.request({ method: "evm_increaseTime", params: [3601] });
    await hre.network.provider.request({ method: "evm_mine", params: [] });
    await page.click('[data-testid="finalize"]');
    await waitForText("channel-withdrawal", "none");
    const [balance] = (await escrow.channels(await text("channel-id"))) as [bigint, bigint];
    expect(balance).to.equal(PRICE * 20n);
    expect(await text("channel-balance")).to.equal(usdc(balance));
    expect(await text("usdc-balance")).to.equal(usdc(BUYER_FUNDS - balance));
  });

  it("pays again after the withdrawal, then refunds what it has not spent with the Refund button", async function () {
    // The seller takes no voucher while it believes a withdrawal is pending: let it see the finalization first.
    await seller.sync();
    await page.fill('input[name="count"]', "5");
    await page.click('[data-testid="pay"]');
    await waitForText("message", "5 paid requests done.");
    await page.waitForSelector("body:not([data-busy])", { timeout: 60_000 });
    const channelId = await text("channel-id");
    const [deposited] = (await escrow.channels(channelId)) as [bigint, bigint];
    await page.click('[data-testid="refund"]');
    await waitForText("message", `Refunded ${usdc(deposited - PRICE * 25n)} USDC.`);
    await page.waitForSelector("body:not([data-busy])", { timeout: 60_000 });
    // The seller claimed the 25 charges in the refund's transaction; the payer holds everything else.
    const [balance, totalClaimed] = (await escrow.channels(channelId)) as [bigint, bigint];
    expect([balance, totalClaimed]).to.deep.equal([PRICE * 25n, PRICE * 25n]);
    expect(await world.token.balanceOf(world.buyerOwner.address)).to.equal(BUYER_FUNDS - PRICE * 25n);
    expect(await text("channel-balance")).to.equal(usdc(balance));
    expect(await text("channel-claimed")).to.equal(usdc(totalClaimed));
    expect(await text("usdc-balance")).to.equal(usdc(BUYER_FUNDS - PRICE * 25n));
  });

  /** Opens the page in a fresh tab with config.json replaced, and returns the sentence it shows. */
  async function messageWith(
    config: Record<string, unknown>,
    act?: (p: Page) => Promise<void>,
  ): Promise<string> {
    const tab = await browser.newPage();
    try {
      await tab.route("**/config.json", (route) => route.fulfill({ json: config }));
      await tab.goto(site.url);
      await tab.waitForSelector("body[data-ready]", { timeout: 60_000 });
      if (act) await act(tab);
      await tab.waitForSelector('[data-testid="message"]:not([hidden])', { timeout: 60_000 });
      return await tab.locator(`[data-testid="message"]`).innerText();
    } finally {
      await tab.close();
    }
  }

  it("says so in one sentence when no chain answers", async function () {
    const said = await messageWith({ ...siteConfig, rpcUrl: "http://127.0.0.1:9" });
    expect(said).to.equal("No chain answers at http://127.0.0.1:9: start it with `npx z402 node`.");
  });

  it("says so when the chain is not the one the page was built for", async function () {
    const said = await messageWith({ ...siteConfig, chainId: 84532 });
    expect(said).to.match(/^Wrong network: the wallet is on chain 31337, the page needs chain 84532\.$/);
  });

  it("says so when the account cannot fund a channel", async function () {
    const unfunded = "0x" + "11".repeat(32);
    const said = await messageWith({ ...siteConfig, devPrivateKey: unfunded }, (tab) =>
      tab.click('[data-testid="pay"]'),
    );
    expect(said).to.match(/^Insufficient funds: 0x[0-9a-fA-F]{40} holds 0 USDC, a channel needs 0\.1\.$/);
  });

  it("raised no uncaught error in the page", function () {
    expect(pageErrors).to.deep.equal([]);
  });
});
