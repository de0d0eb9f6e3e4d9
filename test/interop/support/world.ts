import { ethers } from "ethers";
import { startChain, type InteropChain } from "./chain";
import { placeMulticall, placeUsdc, type PlacedUsdc } from "./place";

/** One interop chain with Multicall3 and USDC in place, shared by a test file; tests use fresh accounts. */
export interface World {
  chain: InteropChain;
  usdc: PlacedUsdc;
  /** A new account holding `amount` USDC (6 decimals). */
  payer(amount?: bigint): Promise<ethers.Wallet>;
  /** A new address that holds nothing (a payee). */
  payee(): Promise<string>;
  /** A new funded account for a facilitator or server key. */
  operator(): Promise<ethers.Wallet>;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const chain = await startChain();
  const admin = await chain.newAccount();
  await placeMulticall(chain, admin);
  const usdc = await placeUsdc(chain, admin);
  return {
    chain,
    usdc,
    async payer(amount = 1_000_000n) {
      const wallet = await chain.newAccount();
      await usdc.mint(wallet.address, amount);
      return wallet;
    },
    async payee() {
      return ethers.Wallet.createRandom().address;
    },
    async operator() {
      return chain.newAccount();
    },
    close: () => chain.close(),
  };
}
