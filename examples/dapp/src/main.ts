/** The dApp: connect, list and create agents, pay the demo seller through a channel, refund or withdraw. */
import { Contract, parseUnits } from "ethers";
import { AgentDirectory, type AgentRow } from "./agents";
import { SellerChannel } from "./channel";
import { loadConfig } from "./config";
import { explain } from "./explain";
import { el, message, show, usdc } from "./view";
import { connect } from "./wallet";

const ERC20_ABI = ["function balanceOf(address) view returns (uint256)"];

async function main(): Promise<void> {
  const config = await loadConfig();
  const { provider, signer, address, kind } = await connect(config);
  const token = new Contract(config.contracts.usdc, ERC20_ABI, provider);
  const directory = new AgentDirectory(config, provider, signer);
  const channel = new SellerChannel(config, provider, signer, address);

  show("chain", `${config.chainId} (${config.rpcUrl})`);
  show("account", `${address} (${kind})`);
  show("seller-url", config.sellerUrl ?? "none");

  const refreshBalance = async () => show("usdc-balance", usdc((await token.balanceOf(address)) as bigint));
  const refreshAgents = async () => {
    const rows = await directory.list();
    el("agents").replaceChildren(...rows.map(agentRow));
    show("agent-count", await directory.count());
  };
  const refreshChannel = async () => {
    show("voucher-count", channel.vouchers.count);
    show("spent", usdc(channel.vouchers.spent));
    const view = await channel.read();
    if (!view) return;
    show("channel-id", view.channelId);
    show("channel-balance", usdc(view.balance));
    show("channel-claimed", usdc(view.totalClaimed));
    show(
      "channel-withdrawal",
      view.withdrawal.initiatedAt === 0n
        ? "none"
        : `${usdc(view.withdrawal.amount)} since ${new Date(Number(view.withdrawal.initiatedAt) * 1000).toISOString()}`,
    );
    el<HTMLButtonElement>("withdraw").disabled =
      view.balance <= channel.vouchers.spent || view.withdrawal.initiatedAt !== 0n;
    el<HTMLButtonElement>("finalize").disabled = view.withdrawal.initiatedAt === 0n;
    const owed = view.totalClaimed > channel.vouchers.spent ? view.totalClaimed : channel.vouchers.spent;
    el<HTMLButtonElement>("refund").disabled = view.balance <= owed;
  };

  /** Actions still running: the page is settled only when every one of them has refreshed its numbers. */
  let running = 0;

  /** Runs one user action: busy state, a clear sentence on failure, fresh numbers after. */
  const action = (button: HTMLButtonElement, run: () => Promise<void>) => async (event?: Event) => {
    event?.preventDefault();
    button.disabled = true;
    // Set until the numbers below are fresh, so a reader (or a test) knows when the page has settled.
    running++;
    document.body.dataset.busy = "true";
    message("");
    try {
      await run();
    } catch (err) {
      message(explain(err), "error");
    } finally {
      button.disabled = false;
      await Promise.all([refreshBalance(), refreshAgents(), refreshChannel()]).catch((err) =>
        message(explain(err), "error"),
      );
      if (--running === 0) delete document.body.dataset.busy;
    }
  };

  el("create-agent")
    .closest("form")!
    .addEventListener(
      "submit",
      action(el("create-agent"), async () => {
        const form = new FormData(el<HTMLFormElement>("create-agent").closest("form")!);
        await directory.create({
          name: String(form.get("name")),
          skill: String(form.get("skill")),
          price: parseUnits(String(form.get("price")), 6),
        });
        message("Agent created.");
      }),
    );

  el("pay")
    .closest("form")!
    .addEventListener(
      "submit",
      action(el("pay"), async () => {
        const form = new FormData(el<HTMLFormElement>("pay").closest("form")!);
        const count = Number(form.get("count"));
        const { price } = await channel.readOffer();
        const balance = (await token.balanceOf(address)) as bigint;
        const view = await channel.read();
        const available = view ? view.balance - view.totalClaimed - channel.vouchers.spent : 0n;
        if (available < price * BigInt(count) && balance < price * 100n)
          throw new Error(
            `Insufficient funds: ${address} holds ${usdc(balance)} USDC, a channel needs ${usdc(price * 100n)}.`,
          );
        await channel.pay(count, (body) => {
          show("voucher-count", channel.vouchers.count);
          show("spent", usdc(channel.vouchers.spent));
          show("last-response", body);
        });
        message(`${count} paid requests done.`);
      }),
    );

  el("withdraw").addEventListener(
    "click",
    action(el("withdraw"), () => channel.startWithdrawal()),
  );
  el("finalize").addEventListener(
    "click",
    action(el("finalize"), () => channel.finishWithdrawal()),
  );
  el("refund").addEventListener(
    "click",
    action(el("refund"), async () => {
      const refund = await channel.refund();
      show(
        "last-response",
        JSON.stringify(
          { ...refund, amount: refund.amount.toString(), balance: refund.balance.toString() },
          null,
          2,
        ),
      );
      message(`Refunded ${usdc(refund.amount)} USDC.`);
    }),
  );

  await Promise.all([refreshBalance(), refreshAgents(), refreshChannel()]);
  document.body.dataset.ready = "true";
}

function agentRow(a: AgentRow): HTMLTableRowElement {
  const tr = document.createElement("tr");
  const cells = [
    String(a.id),
    a.name,
    a.skills.join(", "),
    a.price === undefined ? "–" : `${usdc(a.price)} USDC`,
    a.paidClients === 0 ? "no paying clients" : `${a.score?.toFixed(1) ?? "–"} from ${a.paidClients} paying`,
    a.account ?? "–",
  ];
  for (const text of cells) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.append(td);
  }
  return tr;
}

main().catch((err) => {
  message(explain(err), "error");
  document.body.dataset.ready = "error";
});
