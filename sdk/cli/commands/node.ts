/** `z402 node`: a local chain on loopback with the whole system deployed, until Ctrl-C. */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { HDNodeWallet, Mnemonic, Wallet, type Contract } from "ethers";
import { loadHardhat } from "../hardhat-loader";
import { startLocalChain } from "../local-chain";
import { emit, keyValues } from "../output";
import { assertPortFree, parsePort } from "../parse";
import type { Action } from "../action";
import { progress } from "../progress";
import { deployFromRepo } from "../repo-deploy";
import { writeDeploymentsFile } from "../../networks/deployments-node";

const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/** The first `n` funded accounts of the local chain (Hardhat's well-known test mnemonic: never use on a real chain). */
export function devAccounts(n: number): Wallet[] {
  const mnemonic = Mnemonic.fromPhrase(HARDHAT_MNEMONIC);
  return Array.from({ length: n }, (_, i) => {
    const node = HDNodeWallet.fromMnemonic(mnemonic, `m/44'/60'/0'/0/${i}`);
    return new Wallet(node.privateKey);
  });
}

async function deployLocalUsdc(
  hre: HardhatRuntimeEnvironment,
  to: Wallet[],
  amount: bigint,
): Promise<string> {
  const ethers = (hre as unknown as { ethers: { deployContract(name: string): Promise<Contract> } }).ethers;
  const token = await ethers.deployContract("MockEIP3009Token");
  for (const account of to) await (await token.getFunction("mint")(account.address, amount)).wait();
  return String(token.target);
}

export const nodeCommand: Action = async (_args, options, globals) => {
  const port = parsePort(String(options.port));
  const host = String(options.host);
  await assertPortFree(host, port);
  // Starting takes 10-45 s (Hardhat, a compile check, the Ignition deployment): say what is happening meanwhile.
  const steps = progress();
  steps.step("loading Hardhat from this repository…");
  const hre = loadHardhat("hardhat");
  steps.step(`starting the local chain on ${host}:${port === 0 ? "<any free port>" : port}…`);
  const chain = await startLocalChain(hre, { host, port });
  steps.step("compiling the contracts and deploying the system with Ignition (the longest step)…");
  const { record, file } = await deployFromRepo(hre, { outDir: options.outDir as string | undefined });
  const accounts = devAccounts(3);
  // A local USDC stand-in (EIP-3009, domain "USDC"/"2" like Base Sepolia's), 1,000 to each test account.
  steps.step("deploying a local USDC and funding the test accounts…");
  const usdc = await deployLocalUsdc(hre, accounts, 1_000_000_000n);
  steps.done();
  record.contracts.usdc = {
    contractName: "MockEIP3009Token",
    address: usdc,
  } as (typeof record.contracts)[string];
  await writeDeploymentsFile(file, record);
  const contracts = Object.fromEntries(Object.entries(record.contracts).map(([k, c]) => [k, c.address]));
  emit(
    globals.json,
    {
      chainId: chain.chainId,
      rpcUrl: chain.url,
      deploymentFile: file,
      contracts,
      accounts: accounts.map((a) => a.address),
    },
    () =>
      [
        `Local chain ${chain.chainId} listening on ${chain.url} (Ctrl-C to stop)`,
        `Deployment record: ${file}`,
        "",
        keyValues(Object.entries(contracts)),
        "",
        "Funded test accounts, 10,000 ETH and 1,000 USDC each (Hardhat's public test keys: local use only):",
        ...accounts.map((a, i) => `  #${i} ${a.address}  ${a.privateKey}`),
      ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await chain.close();
};
