import { ethers, network } from "hardhat";
import { BrowserProvider } from "ethers";
import {
  BatchSettlementScheme,
  ExactEip3009Scheme,
  createFacilitator,
  createFacilitatorHandler,
} from "../../../../sdk/facilitator";
import { serve } from "../../../interop/support/stock";
import type { Deployment } from "./fixture";

export interface CountingFacilitator {
  url: string;
  /** The account the facilitator sends from. */
  address: string;
  /** Paths of every request the facilitator received (`/verify`, `/settle`, ...), in order. */
  calls: string[];
  /** The `authorization` header of each request, if any (a hosted facilitator's API key). */
  authorizations: string[];
  close(): Promise<void>;
}

/**
 * The z402 facilitator (`exact` and the escrow scheme) for the test deployment, on loopback HTTP, recording each
 * request's path so tests can count what a delegating paywall asks of it. It sends from its own account.
 */
export async function startFacilitator(d: Deployment): Promise<CountingFacilitator> {
  // A plain ethers provider over the in-process chain: the facilitator waits for receipts, which hardhat's
  // ethers provider does not implement.
  const provider = new BrowserProvider(network.provider, undefined, {
    staticNetwork: true,
    pollingInterval: 50,
  });
  const signer = await provider.getSigner(await (await ethers.getSigners())[6].getAddress());
  const networks = [`eip155:${d.chainId}`];
  // The chain's clock, not the wall's: other suites in the same process move the chain's time forward.
  let chainNow = 0n;
  const facilitator = createFacilitator([
    new ExactEip3009Scheme({ signer, networks, now: () => chainNow }),
    new BatchSettlementScheme({ signer, networks, escrow: d.escrow, collector: d.collector }),
  ]);
  const handle = createFacilitatorHandler(facilitator);
  const calls: string[] = [];
  const authorizations: string[] = [];
  const served = await serve((req, res) => {
    calls.push(req.url ?? "");
    if (req.headers.authorization) authorizations.push(req.headers.authorization);
    void provider.getBlock("latest").then((block) => {
      chainNow = BigInt(block!.timestamp);
      return handle(req, res);
    });
  });
  return { ...served, address: signer.address, calls, authorizations };
}
