/**
 * Installs the USDC replica on a running node, so the live-fork mode can be exercised without Base Sepolia:
 *
 *   Z402_FORK=1 npx hardhat node                                                 # chain id 84532, port 8545
 *   npx hardhat run test/fork/support/serve-replica.ts --network localhost
 *   BASE_SEPOLIA_RPC_URL=http://127.0.0.1:8545 npm run test:fork                # forks it: the live mode
 */
import hre from "hardhat";
import { setupUsdc } from "./usdc";

setupUsdc(hre)
  .then(async ({ token }) =>
    console.log(`USDC replica at ${await token.getAddress()} on ${hre.network.name}`),
  )
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
