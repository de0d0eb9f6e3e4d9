import { expect } from "chai";
import { Wallet } from "ethers";
import {
  decodeSignedOffers,
  extractOffersFromPaymentRequired,
  extractReceiptFromResponse,
  findAcceptsObjectFromSignedOffer,
  verifyOfferSignatureEIP712,
  verifyOfferSignatureJWS,
  verifyReceiptMatchesOffer,
  verifyReceiptSignatureEIP712,
  verifyReceiptSignatureJWS,
  type EIP712SignedOffer,
  type EIP712SignedReceipt,
  type JWSSignedOffer,
  type JWSSignedReceipt,
  type SignedReceipt,
} from "@x402/extensions/offer-receipt";
import type { PaymentRequired } from "@x402/core/types";
import { decodeJson } from "../../sdk/client/wire";
import {
  receiptOf,
  verifyOffer,
  verifyReceipt,
  type CapturedReceipt,
  type Z402ReceiptPayload,
} from "../../sdk/client";
import { OfferReceiptIssuer } from "../../sdk/server/offer-receipt";
import {
  deploy,
  freshKey,
  payingFetch,
  startServer,
  type Deployment,
  type TestServer,
} from "../sdk/paid-http/support/fixture";
import { b64, openChannel, PRICE } from "../sdk/paid-http/support/kit";

/**
 * x402 offer-receipt (issue 21): the paywall's signed offers and receipts are accepted by the stock
 * `@x402/extensions` helpers, tampered ones are refused, and an idempotent replay carries the first receipt.
 */
const ID = "pay_receipt_0123456789abcdef";
const withId = { extensions: { "payment-identifier": { info: { required: false, id: ID } } } };

function tamperJws(jws: string, edit: (p: Record<string, unknown>) => void): string {
  const [h, p, s] = jws.split(".");
  const payload = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
  edit(payload);
  return `${h}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${s}`;
}

const requiredOf = async (res: Response) =>
  decodeJson(res.headers.get("payment-required")!) as PaymentRequired;

describe("interop: offer-receipt with the stock @x402/extensions helpers", function () {
  let d: Deployment;
  let server: TestServer;
  const key = freshKey();

  before(async () => {
    d = await deploy();
  });
  beforeEach(async () => {
    server = await startServer(d, { receiptSigner: key });
  });
  afterEach(async () => server.close());

  it("signs the 402's offers (JWS ES256K, did:key kid) and the stock helpers verify and match them", async () => {
    const required = await requiredOf(await fetch(server.url + "/paid/item"));
    const offers = extractOffersFromPaymentRequired(required);
    expect(offers).to.have.length(required.accepts.length);
    for (const [i, offer] of offers.entries()) {
      const payload = await verifyOfferSignatureJWS(offer as JWSSignedOffer);
      expect(payload).to.include({
        resourceUrl: required.resource.url,
        amount: PRICE.toString(),
        payTo: d.receiver,
      });
      expect(findAcceptsObjectFromSignedOffer(offer, required.accepts)).to.deep.equal(required.accepts[i]);
      expect((await verifyOffer(offer)).signer).to.equal(key.address);
    }
    // Signed once per resource and terms: the next 402 carries the cached offers.
    const again = extractOffersFromPaymentRequired(await requiredOf(await fetch(server.url + "/paid/item")));
    expect(again).to.deep.equal(offers);
  });

  it("refuses a tampered offer (stock and z402 verification)", async () => {
    const [offer] = extractOffersFromPaymentRequired(
      await requiredOf(await fetch(server.url + "/paid/item")),
    );
    const forged = {
      ...offer,
      signature: tamperJws(offer.signature, (p) => (p.amount = "1")),
    } as JWSSignedOffer;
    await expectRejected(verifyOfferSignatureJWS(forged));
    await expectRejected(verifyOffer(forged));
  });

  it("returns a signed receipt with z402's terms that the stock helpers verify; the client keeps it", async () => {
    const seen: CapturedReceipt[] = [];
    const pay = payingFetch(d, { onReceipt: (r) => seen.push(r) });
    const first = await fetch(server.url + "/paid/item");
    const [offer] = decodeSignedOffers(extractOffersFromPaymentRequired(await requiredOf(first)));
    const res = await pay(server.url + "/paid/item");
    expect(res.status).to.equal(200);
    const receipt = extractReceiptFromResponse(res) ?? receiptOf(res);
    expect(receipt?.format).to.equal("jws");
    const payload = (await verifyReceiptSignatureJWS(receipt as JWSSignedReceipt)) as Z402ReceiptPayload & {
      z402: Record<string, string>;
    };
    const payer = await d.payer.getAddress();
    expect(payload).to.include({ payer, network: `eip155:${d.chainId}`, resourceUrl: offer.resourceUrl });
    expect(payload.z402).to.include({ scheme: "batch-settlement", amount: PRICE.toString() });
    expect(payload.z402.chargedCumulativeAmount).to.equal(PRICE.toString());
    expect(payload.z402.channelId).to.match(/^0x[0-9a-f]{64}$/);
    expect(verifyReceiptMatchesOffer(receipt!, offer, [payer])).to.equal(true);
    expect(seen).to.have.length(1);
    expect(seen[0]).to.include({ verified: true, signer: key.address });
    expect(pay.receipts()).to.deep.equal(seen);
  });

  it("refuses a tampered receipt (stock and z402 verification); the genuine one is verified", async () => {
    const pay = payingFetch(d);
    const receipt = receiptOf(await pay(server.url + "/paid/item"))!;
    const forged: SignedReceipt = {
      format: "jws",
      signature: tamperJws(receipt.signature, (p) => ((p.z402 as Record<string, string>).amount = "999999")),
    };
    await expectRejected(verifyReceiptSignatureJWS(forged as JWSSignedReceipt));
    await expectRejected(verifyReceipt(forged));
    expect(pay.receipts()[0].verified).to.equal(true);
  });

  it("replays the stored idempotent answer with the very same receipt", async () => {
    const kit = await openChannel(d, server);
    const header = b64(kit.body(await kit.voucher(2n * PRICE), withId));
    const first = await kit.send("/paid/item", header);
    const again = await kit.send("/paid/item", header);
    expect([first.status, again.status]).to.deep.equal([200, 200]);
    const a = receiptOf(first);
    expect(a).to.not.equal(undefined);
    expect(receiptOf(again)).to.deep.equal(a);
    const { payload } = await verifyReceipt(a!);
    expect(payload.z402?.chargedCumulativeAmount).to.equal((2n * PRICE).toString());
  });

  it("signs nothing without a receiptSigner", async () => {
    const plain = await startServer(d);
    try {
      const required = await requiredOf(await fetch(plain.url + "/paid/item"));
      expect(extractOffersFromPaymentRequired(required)).to.deep.equal([]);
      const res = await payingFetch(d)(plain.url + "/paid/item");
      expect(receiptOf(res)).to.equal(undefined);
    } finally {
      await plain.close();
    }
  });

  it("signs EIP-712 offers and receipts with a typed-data signer the stock helpers recover", async () => {
    const wallet = Wallet.createRandom();
    const typed = {
      getAddress: async () => wallet.address,
      signTypedData: wallet.signTypedData.bind(wallet),
    };
    const issuer = new OfferReceiptIssuer(typed);
    const receipt = (await issuer.receipt({
      resourceUrl: "https://api.example/x",
      payer: wallet.address,
      network: "eip155:1",
      terms: { scheme: "exact", asset: wallet.address, payTo: wallet.address, amount: "1" },
    })) as EIP712SignedReceipt;
    expect((await verifyReceiptSignatureEIP712(receipt)).signer).to.equal(wallet.address);
    expect((await verifyReceipt(receipt)).signer).to.equal(wallet.address);
    const forged = { ...receipt, payload: { ...receipt.payload, payer: "0x" + "11".repeat(20) } };
    expect((await verifyReceipt(forged)).signer).to.not.equal(wallet.address);
    const answer = await issuer.signed({
      status: 402,
      headers: {
        "payment-required": b64({
          x402Version: 2,
          resource: { url: "https://api.example/x" },
          accepts: [
            {
              scheme: "exact",
              network: "eip155:1",
              asset: wallet.address,
              payTo: wallet.address,
              amount: "5",
            },
          ],
        }),
      },
      body: "{}",
    });
    const [offer] = extractOffersFromPaymentRequired(
      decodeJson(answer.headers["payment-required"]) as PaymentRequired,
    );
    expect((await verifyOfferSignatureEIP712(offer as EIP712SignedOffer)).signer).to.equal(wallet.address);
  });

  it("measures the receipt signing cost (JWS ES256K over Node crypto vs EIP-712 over ethers)", async () => {
    const wallet = new Wallet(key.privateKey);
    const facts = {
      resourceUrl: server.url + "/paid/item",
      payer: wallet.address,
      network: `eip155:${d.chainId}`,
      terms: {
        scheme: "batch-settlement",
        asset: d.tokenAddress,
        payTo: d.receiver,
        amount: "1000",
        channelId: "0x" + "ab".repeat(32),
        chargedCumulativeAmount: "5000",
        signedMaxClaimable: "5000",
      },
    };
    const time = async (issuer: OfferReceiptIssuer, n: number) => {
      for (let i = 0; i < 20; i++) await issuer.receipt(facts);
      const t = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await issuer.receipt(facts);
      return Number(process.hrtime.bigint() - t) / n / 1000;
    };
    const jws = await time(new OfferReceiptIssuer(wallet), 300);
    const eip712 = await time(
      new OfferReceiptIssuer({
        getAddress: async () => wallet.address,
        signTypedData: wallet.signTypedData.bind(wallet),
      }),
      100,
    );
    console.log(`      receipt signing: JWS ES256K ${jws.toFixed(0)} µs, EIP-712 ${eip712.toFixed(0)} µs`);
    expect(jws).to.be.greaterThan(0);
  });
});

async function expectRejected(p: Promise<unknown>): Promise<void> {
  let failed = false;
  try {
    await p;
  } catch {
    failed = true;
  }
  expect(failed, "expected a rejection").to.equal(true);
}
