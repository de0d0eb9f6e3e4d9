import "@nomicfoundation/hardhat-toolbox";
import type { HardhatUserConfig } from "hardhat/config";
import "./tasks/test-selection";
import "./tasks/compiler-warnings";
import { SOLC_VERSION } from "./tasks/offline-compiler";

const deployerKeys = process.env.DEPLOYER_PRIVATE_KEY ? [process.env.DEPLOYER_PRIVATE_KEY] : [];
const forkMode = process.env.Z402_FORK === "1";

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": ["storageLayout"] } },
    },
  },
  networks: {
    hardhat: forkMode
      ? {
          chainId: 84532,
          ...(process.env.BASE_SEPOLIA_RPC_URL ? { forking: { url: process.env.BASE_SEPOLIA_RPC_URL } } : {}),
        }
      : {},
    localhost: { url: "http://127.0.0.1:8545" },
    baseSepolia: {
      chainId: 84532,
      url: process.env.BASE_SEPOLIA_RPC_URL ?? "http://127.0.0.1:0",
      accounts: deployerKeys,
    },
    base: {
      chainId: 8453,
      url: process.env.BASE_RPC_URL ?? "http://127.0.0.1:0",
      accounts: deployerKeys,
    },
  },
  paths: {
    // Overridable so a test can compile a scratch project offline (see test/toolchain).
    sources: process.env.Z402_HARDHAT_SOURCES ?? "contracts",
    cache: process.env.Z402_HARDHAT_CACHE ?? "cache",
    artifacts: process.env.Z402_HARDHAT_ARTIFACTS ?? "artifacts",
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "1",
    offline: true,
    noColors: true,
    reportFormat: "markdown",
    outputFile: "docs/gas-methods.md",
  },
  mocha: { timeout: 120_000 },
};

export default config;
