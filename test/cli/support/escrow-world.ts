/**
 * A local chain on loopback with the escrow and a mock USDC deployed directly (no Ignition), one funded
 * channel, and a deployment record in a temp file: what the escrow-side CLI commands need.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { Wallet } from "ethers";
import { startLocalChain, type LocalChain } from "../../../sdk/cli/local-chain";
import { devAccounts } from "../../../sdk/cli/commands/node";

export interface EscrowWorld {
  chain: LocalChain;
  deploymentFile: string;
  payer: Wallet;
  receiver: Wallet;
  stranger: Wallet;
  escrow: Awaited<ReturnType<typeof deploy>>["escrow"];
  token: Awaited<ReturnType<typeof deploy>>["token"];
  config: {
    payer: string;
    payerAuthorizer: string;
    receiver: string;
    receiverAuthorizer: string;
    token: string;
    withdrawDelay: number;
    salt: string;
  };
  channelId: string;
  /** Signs a voucher with the payer's key and claims `amount` as the receiver. */
  claim(amount: bigint): Promise<void>;
  close(): Promise<void>;
}

async function deploy() {
  const escrow = await hre.ethers.deployContract("Z402Escrow");
  const token = await hre.ethers.deployContract("MockEIP3009Token");
  return { escrow, token };
}

/**
 * `payTo`: the channel's receiver when it is not the receiver key (an agent's AgentAccount, say); the receiver key
 * stays its receiverAuthorizer.
 */
export async function startEscrowWorld(deposit = 5_000_000n, payTo?: string): Promise<EscrowWorld> {
  const chain = await startLocalChain(hre, { port: 0 });
  const { escrow, token } = await deploy();
  const [, receiverKey, payerKey, strangerKey] = devAccounts(4);
  const payer = payerKey.connect(hre.ethers.provider);
  const receiver = receiverKey.connect(hre.ethers.provider);
  const config = {
    payer: payer.address,
    payerAuthorizer: payer.address,
    receiver: payTo ?? receiver.address,
    receiverAuthorizer: receiver.address,
    token: await token.getAddress(),
    withdrawDelay: 900,
    salt: `0x${"00".repeat(31)}01`,
  };
  await token.mint(payer.address, deposit);
  await token.connect(payer).getFunction("approve")(await escrow.getAddress(), deposit);
  await escrow.connect(payer).getFunction("deposit")(config, deposit, hre.ethers.ZeroAddress, "0x");
  const channelId = (await escrow.getChannelId(config)) as string;
  const dir = mkdtempSync(path.join(os.tmpdir(), "z402-cli-"));
  const deploymentFile = path.join(dir, "31337.json");
  writeFileSync(
    deploymentFile,
    JSON.stringify({
      chainId: 31337,
      contracts: {
        escrow: { address: await escrow.getAddress() },
        usdc: { address: await token.getAddress() },
      },
    }),
  );
  const domain = {
    name: "x402 Batch Settlement",
    version: "1",
    chainId: chain.chainId,
    verifyingContract: await escrow.getAddress(),
  };
  const claim = async (amount: bigint) => {
    const signature = await payer.signTypedData(
      domain,
      {
        Voucher: [
          { name: "channelId", type: "bytes32" },
          { name: "maxClaimableAmount", type: "uint128" },
        ],
      },
      { channelId, maxClaimableAmount: amount },
    );
    await escrow.connect(receiver).getFunction("claim")([
      { voucher: { channel: config, maxClaimableAmount: amount }, signature, totalClaimed: amount },
    ]);
  };
  return {
    chain,
    deploymentFile,
    payer: payerKey,
    receiver: receiverKey,
    stranger: strangerKey,
    escrow,
    token,
    config,
    channelId,
    claim,
    close: () => chain.close(),
  };
}
