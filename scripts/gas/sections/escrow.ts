// Gas of Z402Escrow's entry points and the cost per paid request of its three claim paths.
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { BaseWallet, Signer } from "ethers";
import type { GasSection } from "../section";
import { table } from "../section";
import { measure, type GasFigures } from "../measure";
import type { MockEIP3009Token, Z402Escrow } from "../../../typechain-types";
import {
  channelConfigTypes,
  claimBatchTypes,
  receiveWithAuthorizationTypes,
  refundTypes,
  transferWithAuthorizationTypes,
  voucherTypes,
} from "../../../sdk/eip712";
import type { ChannelConfig } from "../../../sdk/cli/abi";

/** x402 reference contract figures (Foundry `snapshotGasLastCall`, execution gas), from its published snapshot. */
const REFERENCE = {
  depositPlain: 84_770n,
  depositCollector: 111_738n,
  claim1: 40_252n,
  claim10: 192_043n,
  settle: 31_204n,
  refundFull: 43_859n,
  refundWithSignature: 53_670n,
};

/** Price of one paid request (0.001 USDC) and the workload of the per-request figure. */
const PRICE = 1_000n;
const REQUESTS_PER_CHANNEL = 100n;
const CHANNELS_PER_CLAIM = 50;

interface Channel {
  config: ChannelConfig;
  id: string;
  authorizer: BaseWallet;
}

export default async function escrowGas(hre: HardhatRuntimeEnvironment): Promise<GasSection> {
  const { ethers, network } = hre;
  const [payer, receiver, receiverAuthorizer, relayer] = await ethers.getSigners();
  const token = (await ethers.deployContract("MockEIP3009Token")) as unknown as MockEIP3009Token;
  const escrow = (await ethers.deployContract("Z402Escrow")) as unknown as Z402Escrow;
  const collector = await ethers.deployContract("ERC3009DepositCollector", [await escrow.getAddress()]);
  const escrowAddr = await escrow.getAddress();
  const tokenAddr = await token.getAddress();
  await token.mint(payer.address, 10n ** 15n);
  await token.connect(payer).approve(escrowAddr, ethers.MaxUint256);
  const d = await escrow.eip712Domain();
  const domain = {
    name: d.name,
    version: d.version,
    chainId: d.chainId,
    verifyingContract: d.verifyingContract,
  };
  let saltCounter = 0n;

  const newChannel = (): Channel => {
    const authorizer = ethers.Wallet.createRandom();
    const config = {
      payer: payer.address,
      payerAuthorizer: authorizer.address,
      receiver: receiver.address,
      receiverAuthorizer: receiverAuthorizer.address,
      token: tokenAddr,
      withdrawDelay: 86_400n,
      salt: ethers.zeroPadValue(ethers.toBeHex(++saltCounter + 0x1000n), 32),
    };
    const id = ethers.TypedDataEncoder.hash(domain, channelConfigTypes, config);
    return { config, id, authorizer };
  };
  const fund = async (ch: Channel, amount: bigint) => {
    await (await escrow.connect(payer).deposit(ch.config, amount, ethers.ZeroAddress, "0x")).wait();
  };
  const voucher = (ch: Channel, max: bigint) =>
    ch.authorizer.signTypedData(domain, voucherTypes, { channelId: ch.id, maxClaimableAmount: max });
  const row = async (ch: Channel, max: bigint) => ({
    voucher: { channel: ch.config, maxClaimableAmount: max },
    signature: await voucher(ch, max),
    totalClaimed: max,
  });
  const packed = async (ch: Channel, max: bigint) => {
    const sig = ethers.Signature.from(await voucher(ch, max));
    return ethers.solidityPacked(
      ["address", "address", "uint40", "bytes32", "uint128", "uint128", "bytes32", "bytes32"],
      [
        ch.config.payer,
        ch.config.payerAuthorizer,
        ch.config.withdrawDelay,
        ch.config.salt,
        max,
        max,
        sig.r,
        sig.yParityAndS,
      ],
    );
  };
  const batchSig = (channels: Channel[], max: bigint) =>
    receiverAuthorizer.signTypedData(domain, claimBatchTypes, {
      claims: channels.map((c) => ({ channelId: c.id, maxClaimableAmount: max, totalClaimed: max })),
    });

  type ClaimPath = "claim" | "claimWithSignature" | "claimPacked";
  const claimVia = async (path: ClaimPath, channels: Channel[], max: bigint): Promise<GasFigures> => {
    if (path === "claimPacked") {
      const data = ethers.concat(await Promise.all(channels.map((c) => packed(c, max))));
      return measure(
        escrow
          .connect(receiverAuthorizer)
          .claimPacked(receiver.address, receiverAuthorizer.address, tokenAddr, data),
      );
    }
    const rows = await Promise.all(channels.map((c) => row(c, max)));
    if (path === "claim") return measure(escrow.connect(receiverAuthorizer).claim(rows));
    return measure(escrow.connect(relayer).claimWithSignature(rows, await batchSig(channels, max)));
  };
  const snapshot = async () => (await network.provider.send("evm_snapshot", [])) as string;
  const revert = async (id: string) => network.provider.send("evm_revert", [id]);

  // ---- deposits (a fresh escrow with no token balance yet)
  const first = newChannel();
  const depositPlain = await measure(
    escrow.connect(payer).deposit(first.config, 10_000_000n, ethers.ZeroAddress, "0x"),
  );
  const viaCollector = newChannel();
  const auth = await signAuthorization(hre, token, payer, receiveWithAuthorizationTypes, {
    from: payer.address,
    to: await collector.getAddress(),
    value: 10_000_000n,
    validAfter: 0n,
    validBefore: 2n ** 40n,
    nonce: ethers.keccak256(
      ethers.AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256"], [viaCollector.id, 1n]),
    ),
  });
  const data = ethers.AbiCoder.defaultAbiCoder().encode(
    ["uint256", "uint256", "uint256", "bytes"],
    [0n, 2n ** 40n, 1n, auth],
  );
  const depositCollector = await measure(
    escrow.connect(relayer).deposit(viaCollector.config, 10_000_000n, await collector.getAddress(), data),
  );
  const topUp = await measure(
    escrow.connect(payer).deposit(first.config, 10_000_000n, ethers.ZeroAddress, "0x"),
  );

  // ---- claims of 1 / 10 / 50 channels on each path, from the same state (receiver totals empty)
  const pool: Channel[] = [];
  for (let i = 0; i < 61; i++) {
    const ch = newChannel();
    await fund(ch, 1_000_000n);
    pool.push(ch);
  }
  const sizes = [1, 10, 50];
  const paths: ClaimPath[] = ["claim", "claimWithSignature", "claimPacked"];
  const claims: Record<ClaimPath, GasFigures[]> = { claim: [], claimWithSignature: [], claimPacked: [] };
  const base = await snapshot();
  for (const path of paths) {
    for (const size of sizes) {
      const s = await snapshot();
      claims[path].push(await claimVia(path, pool.slice(0, size), 5_000n));
      await revert(s);
    }
  }
  // a second claim on a channel whose receiver totals are already non-zero
  await claimVia("claim", [pool[0]], 5_000n);
  const claimWarm = await claimVia("claim", [pool[1]], 5_000n);

  // ---- settle, refunds, withdrawals
  const settle = await measure(escrow.connect(relayer).settle(receiver.address, tokenAddr));
  const refundFull = await measure(
    escrow.connect(receiverAuthorizer).refund(pool[2].config, 2n ** 128n - 1n),
  );
  const refundSig = await receiverAuthorizer.signTypedData(domain, refundTypes, {
    channelId: pool[3].id,
    nonce: 0n,
    amount: 2n ** 128n - 1n,
  });
  const refundWithSignature = await measure(
    escrow.connect(relayer).refundWithSignature(pool[3].config, 2n ** 128n - 1n, 0n, refundSig),
  );
  // the same operations again, once the slots they first create already exist
  const refundAgain = await measure(escrow.connect(receiverAuthorizer).refund(pool[5].config, 500_000n));
  const refundAgainFull = await measure(
    escrow.connect(receiverAuthorizer).refund(pool[5].config, 2n ** 128n - 1n),
  );
  await claimVia("claim", [pool[6]], 5_000n);
  const settleAgain = await measure(escrow.connect(relayer).settle(receiver.address, tokenAddr));
  const initiate = await measure(escrow.connect(payer).initiateWithdraw(pool[4].config, 1_000_000n));
  await network.provider.send("evm_increaseTime", [86_400]);
  const finalize = await measure(escrow.connect(payer).finalizeWithdraw(pool[4].config));
  await revert(base);

  // ---- the same operations inside one transaction after their setup calls (Foundry-test conditions)
  const sameTx = await measureSameTransaction(hre, escrow, token, domain, receiverAuthorizer, relayer);

  // ---- gas per paid request: 100 vouchers per channel, 50 channels per claim, then one settle
  const perRequest: Record<ClaimPath, { claim: bigint; settle: bigint; perRequest: number }> = {} as never;
  const fresh: Channel[] = [];
  for (let i = 0; i < CHANNELS_PER_CLAIM + 1; i++) {
    const ch = newChannel();
    await fund(ch, 1_000_000_000n);
    fresh.push(ch);
  }
  // steady state: the receiver has claimed and settled before
  await claimVia("claim", [fresh[CHANNELS_PER_CLAIM]], PRICE);
  await (await escrow.settle(receiver.address, tokenAddr)).wait();
  const steady = await snapshot();
  for (const path of paths) {
    const s = await snapshot();
    const channels = fresh.slice(0, CHANNELS_PER_CLAIM);
    const c = await claimVia(path, channels, PRICE * REQUESTS_PER_CHANNEL);
    const st = await measure(escrow.connect(relayer).settle(receiver.address, tokenAddr));
    const requests = REQUESTS_PER_CHANNEL * BigInt(CHANNELS_PER_CLAIM);
    perRequest[path] = {
      claim: c.total,
      settle: st.total,
      perRequest: Number(c.total + st.total) / Number(requests),
    };
    await revert(s);
  }
  await revert(steady);

  // ---- for comparison: the x402 `exact` scheme settles every request with one EIP-3009 transfer
  const exactAuth = await signAuthorization(hre, token, payer, transferWithAuthorizationTypes, {
    from: payer.address,
    to: receiver.address,
    value: PRICE,
    validAfter: 0n,
    validBefore: 2n ** 40n,
    nonce: ethers.id("exact-1"),
  });
  const exact = await measure(
    token
      .connect(relayer)
      ["transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,bytes)"](
        payer.address,
        receiver.address,
        PRICE,
        0n,
        2n ** 40n,
        ethers.id("exact-1"),
        exactAuth,
      ),
  );

  const ref = (mine: bigint, reference: bigint) =>
    `${((100 * Number(mine)) / Number(reference)).toFixed(1)}%`;
  const entryRows: (string | bigint)[][] = [
    [
      "deposit, first, plain ERC-20",
      depositPlain.execution,
      depositPlain.total,
      REFERENCE.depositPlain,
      ref(depositPlain.execution, REFERENCE.depositPlain),
    ],
    [
      "deposit, first, EIP-3009 collector",
      depositCollector.execution,
      depositCollector.total,
      REFERENCE.depositCollector,
      ref(depositCollector.execution, REFERENCE.depositCollector),
    ],
    ["deposit, top-up, plain", topUp.execution, topUp.total, "", ""],
    [
      "claim 1 voucher (receiver's first claim)",
      claims.claim[0].execution,
      claims.claim[0].total,
      REFERENCE.claim1,
      ref(claims.claim[0].execution, REFERENCE.claim1),
    ],
    ["claim 1 voucher (receiver totals warm)", claimWarm.execution, claimWarm.total, "", ""],
    [
      "claim 10 channels",
      claims.claim[1].execution,
      claims.claim[1].total,
      REFERENCE.claim10,
      ref(claims.claim[1].execution, REFERENCE.claim10),
    ],
    [
      "settle (receiver's first token balance)",
      settle.execution,
      settle.total,
      REFERENCE.settle,
      ref(settle.execution, REFERENCE.settle),
    ],
    [
      "settle (receiver already holds the token)",
      settleAgain.execution,
      settleAgain.total,
      REFERENCE.settle,
      ref(settleAgain.execution, REFERENCE.settle),
    ],
    [
      "refund, full (first refund of the channel)",
      refundFull.execution,
      refundFull.total,
      REFERENCE.refundFull,
      ref(refundFull.execution, REFERENCE.refundFull),
    ],
    [
      "refundWithSignature, full (first refund of the channel)",
      refundWithSignature.execution,
      refundWithSignature.total,
      REFERENCE.refundWithSignature,
      ref(refundWithSignature.execution, REFERENCE.refundWithSignature),
    ],
    ["refund, partial (first refund of the channel)", refundAgain.execution, refundAgain.total, "", ""],
    [
      "refund, full (refund nonce already non-zero)",
      refundAgainFull.execution,
      refundAgainFull.total,
      "",
      "",
    ],
    ["initiateWithdraw", initiate.execution, initiate.total, "", ""],
    ["finalizeWithdraw", finalize.execution, finalize.total, "", ""],
  ];
  const claimRows = paths.flatMap((path) =>
    sizes.map((size, i) => [
      `\`${path}\``,
      String(size),
      claims[path][i].execution,
      claims[path][i].total,
      (claims[path][i].total / BigInt(size)).toString(),
    ]),
  );
  const ratio = perRequest.claimPacked.perRequest / perRequest.claimWithSignature.perRequest;
  const perRequestRows = paths.map((path) => [
    `\`${path}\``,
    perRequest[path].claim,
    perRequest[path].settle,
    perRequest[path].perRequest.toFixed(1),
    (perRequest[path].perRequest / perRequest.claimWithSignature.perRequest).toFixed(3),
  ]);

  const markdown = [
    "Entry points, each measured as its own transaction from cold storage (execution gas, the method of the x402",
    "reference contract's Foundry snapshot; *ref* is that published figure). First-time rows pay for creating",
    "storage: the first refund of a channel sets its refund nonce (20,000 gas) and the first settle to an address",
    "creates its token balance (20,000 gas inside the token).",
    "",
    table(["operation", "execution", "total", "x402 ref", "ours / ref"], entryRows),
    "",
    "The same operations measured like a Foundry test: inside one transaction, after the setup calls that precede",
    "them (so the token, the channel and the receiver totals are already warm), gas of the last call only",
    "(`contracts/test/GasProbe.sol`). Settle pays a receiver holding no token yet; refunds are the channel's first.",
    "",
    table(
      ["operation (same transaction as its setup)", "gas", "x402 ref", "ours / ref"],
      sameTx.map(([name, gas, reference]) => [name, gas, reference, ref(gas, reference)]),
    ),
    "",
    "Claims of 1 / 10 / 50 channels from the same state (funded channels, receiver totals empty).",
    "",
    table(["path", "channels", "execution", "total", "total / channel"], claimRows),
    "",
    `Gas per paid request: ${REQUESTS_PER_CHANNEL} vouchers per channel, ${CHANNELS_PER_CLAIM} channels per claim, ` +
      "then one `settle`; full receipts' `gasUsed` of both transactions ÷ paid requests covered (steady state: the " +
      "receiver has claimed and settled before).",
    "",
    table(
      ["path", "claim gasUsed", "settle gasUsed", "gas / paid request", "vs claimWithSignature"],
      perRequestRows,
    ),
    "",
    `Packed path ÷ \`claimWithSignature\`: **${ratio.toFixed(3)}** (goal ≤ 0.6). For comparison, the \`exact\` ` +
      `scheme pays one EIP-3009 \`transferWithAuthorization\` per request: ${exact.total} gas on the test token.`,
    "",
  ].join("\n");
  return { order: 10, title: "Z402Escrow", markdown };
}

/** Signs an EIP-3009 authorization (`types` picks Transfer- or ReceiveWithAuthorization) under the token's domain. */
async function signAuthorization(
  hre: HardhatRuntimeEnvironment,
  token: MockEIP3009Token,
  signer: Signer,
  types: typeof receiveWithAuthorizationTypes | typeof transferWithAuthorizationTypes,
  message: {
    from: string;
    to: string;
    value: bigint;
    validAfter: bigint;
    validBefore: bigint;
    nonce: string;
  },
) {
  const domain = {
    name: await token.name(),
    version: await token.version(),
    chainId: (await hre.ethers.provider.getNetwork()).chainId,
    verifyingContract: await token.getAddress(),
  };
  return signer.signTypedData(domain, types, message);
}

/** Gas of each ABI entry point measured by GasProbe in the transaction that also runs its setup calls. */
async function measureSameTransaction(
  hre: HardhatRuntimeEnvironment,
  escrow: Z402Escrow,
  token: MockEIP3009Token,
  domain: { name: string; version: string; chainId: bigint; verifyingContract: string },
  receiverAuthorizerSigner: Signer,
  relayer: Signer,
): Promise<[string, bigint, bigint][]> {
  const { ethers, network } = hre;
  const probe = await ethers.deployContract("GasProbe");
  const probeAddr = await probe.getAddress();
  const escrowAddr = await escrow.getAddress();
  const tokenAddr = await token.getAddress();
  const receiver = ethers.Wallet.createRandom().address;
  await token.mint(probeAddr, 10n ** 12n);
  const approve = {
    to: tokenAddr,
    data: token.interface.encodeFunctionData("approve", [escrowAddr, ethers.MaxUint256]),
  };
  const key = ethers.Wallet.createRandom();
  const raAddr = await receiverAuthorizerSigner.getAddress();
  const configs = Array.from({ length: 10 }, (_, i) => ({
    payer: probeAddr,
    payerAuthorizer: key.address,
    receiver,
    receiverAuthorizer: probeAddr,
    token: tokenAddr,
    withdrawDelay: 86_400n,
    salt: ethers.zeroPadValue(ethers.toBeHex(i + 1), 32),
  }));
  const ids = await Promise.all(configs.map((c) => escrow.getChannelId(c)));
  const at = (data: string) => ({ to: escrowAddr, data });
  const deposit = (i: number) =>
    at(escrow.interface.encodeFunctionData("deposit", [configs[i], 10_000_000n, ethers.ZeroAddress, "0x"]));
  const rows = await Promise.all(
    configs.map(async (c, i) => ({
      voucher: { channel: c, maxClaimableAmount: 5_000n },
      signature: await key.signTypedData(domain, voucherTypes, {
        channelId: ids[i],
        maxClaimableAmount: 5_000n,
      }),
      totalClaimed: 5_000n,
    })),
  );
  const claim = (n: number) => at(escrow.interface.encodeFunctionData("claim", [rows.slice(0, n)]));
  const settle = at(escrow.interface.encodeFunctionData("settle", [receiver, tokenAddr]));
  const refund = at(escrow.interface.encodeFunctionData("refund", [configs[0], 2n ** 128n - 1n]));
  // refundWithSignature: a channel whose receiverAuthorizer is an EOA that signs
  const signedConfig = { ...configs[0], receiverAuthorizer: raAddr, salt: ethers.zeroPadValue("0xff", 32) };
  const signedId = await escrow.getChannelId(signedConfig);
  const refundSig = await receiverAuthorizerSigner.signTypedData(domain, refundTypes, {
    channelId: signedId,
    nonce: 0n,
    amount: 2n ** 128n - 1n,
  });
  const depositSigned = at(
    escrow.interface.encodeFunctionData("deposit", [signedConfig, 10_000_000n, ethers.ZeroAddress, "0x"]),
  );
  const refundSigned = at(
    escrow.interface.encodeFunctionData("refundWithSignature", [
      signedConfig,
      2n ** 128n - 1n,
      0n,
      refundSig,
    ]),
  );
  const scenarios: [string, { to: string; data: string }[], bigint][] = [
    ["deposit, first, plain ERC-20", [approve, deposit(0)], REFERENCE.depositPlain],
    ["claim 1 voucher", [approve, deposit(0), claim(1)], REFERENCE.claim1],
    ["claim 10 channels", [approve, ...configs.map((_, i) => deposit(i)), claim(10)], REFERENCE.claim10],
    ["settle", [approve, deposit(0), claim(1), settle], REFERENCE.settle],
    ["refund, full", [approve, deposit(0), refund], REFERENCE.refundFull],
    ["refundWithSignature, full", [approve, depositSigned, refundSigned], REFERENCE.refundWithSignature],
  ];
  const out: [string, bigint, bigint][] = [];
  for (const [name, calls, reference] of scenarios) {
    const snap = await network.provider.send("evm_snapshot", []);
    await (await probe.connect(relayer).run(calls)).wait();
    out.push([name, await probe.lastCallGas(), reference]);
    await network.provider.send("evm_revert", [snap]);
  }
  return out;
}
