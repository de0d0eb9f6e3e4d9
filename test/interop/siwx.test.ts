/**
 * Sign-in-with-x against the stock `@x402/extensions` helpers: a wallet that paid a route signs in to it again
 * without a new charge; every other sign-in is refused with the normal 402 and a `z402_siwx_*` reason, and the
 * handler does not run.
 */
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Wallet } from "ethers";
import {
  createSIWxPayload,
  encodeSIWxHeader,
  parseSIWxHeader,
  SIGN_IN_WITH_X,
  validateSIWxMessage,
  verifySIWxSignature,
  wrapFetchWithSIWx,
  type EVMSigner,
  type SIWxExtension,
} from "@x402/extensions/sign-in-with-x";
import { decodeJson } from "../../sdk/client/wire";
import { SqliteAccessStore, type AccessStore } from "../../sdk/store";
import type { RouteConfig } from "../../sdk/server";
import { evm } from "../sdk/paid-http/support/siwx";
import {
  deploy,
  freshKey,
  payingFetch,
  PRICE,
  startServer,
  type Deployment,
  type TestServer,
} from "../sdk/paid-http/support/fixture";

const ROUTES: RouteConfig[] = [
  { path: "/paid/*", price: PRICE, signIn: { accessSeconds: 3600, statement: "Sign in to your paid data" } },
  { path: "/other", price: PRICE, signIn: { accessSeconds: 3600 } },
  { path: "/short", price: PRICE, signIn: { accessSeconds: 1 } },
  { path: "/plain", price: PRICE },
  { path: "/exact", price: PRICE, signIn: { accessSeconds: 3600 } },
];

function declaredOf(res: Response): { error?: string; extensions?: Record<string, SIWxExtension> } {
  return decodeJson(res.headers.get("payment-required") ?? "") as never;
}

describe("interop: sign-in-with-x", function () {
  this.timeout(60_000);
  let d: Deployment;
  let server: TestServer;
  const runs: string[] = [];

  before(async () => {
    d = await deploy();
    server = await startServer(d, {
      routes: ROUTES,
      handler: (p) => {
        runs.push(p);
        return { status: 200, body: "ok " + p };
      },
    });
  });
  after(() => server.close());

  /** The challenge a fresh 402 of `p` declares. */
  async function challenge(p: string, base = server.url): Promise<SIWxExtension> {
    const res = await fetch(base + p);
    expect(res.status).to.equal(402);
    const ext = declaredOf(res).extensions?.[SIGN_IN_WITH_X];
    expect(ext, "402 declares sign-in-with-x").to.not.equal(undefined);
    return ext!;
  }

  /** A stock-built SIGN-IN-WITH-X header for `p`, its info changed by `tweak` (the URL it is bound to with it). */
  async function stockHeader(
    p: string,
    signer: EVMSigner,
    tweak: (info: SIWxExtension["info"] & { chainId: string }) => void = () => {},
    base = server.url,
  ): Promise<string> {
    const ext = await challenge(p, base);
    const info = { ...ext.info, chainId: ext.supportedChains[0].chainId, type: ext.supportedChains[0].type };
    tweak(info);
    const boundTo = info.uri;
    return encodeSIWxHeader(await createSIWxPayload(info, signer, boundTo));
  }

  async function signedIn(p: string, header: string, base = server.url) {
    return fetch(base + p, { headers: { [SIGN_IN_WITH_X]: header } });
  }

  /** The request is refused with the normal 402 and `reason`, and the handler does not run. */
  async function refused(p: string, header: string, reason: string, base = server.url) {
    const before = runs.length;
    const res = await signedIn(p, header, base);
    expect(res.status).to.equal(402);
    const required = declaredOf(res);
    expect(required.error).to.equal(reason);
    expect(required.extensions?.[SIGN_IN_WITH_X], "a fresh challenge").to.not.equal(undefined);
    expect(res.headers.get("payment-response")).to.equal(null);
    expect(runs.length, "handler did not run").to.equal(before);
  }

  let paid = false;
  /** d.payer pays /paid/a once (its channel's payer is the wallet that signs in). */
  async function payOnce() {
    if (paid) return;
    const res = await payingFetch(d)(server.url + "/paid/a");
    expect(res.status).to.equal(200);
    expect(res.headers.get("payment-response")).to.not.equal(null);
    paid = true;
  }

  it("declares the extension in the 402 per the spec (domain, uri, nonce, issuedAt, expiration, chain)", async () => {
    const ext = await challenge("/paid/a?q=1");
    const origin = new URL(server.url);
    expect(ext.info).to.include({ domain: origin.host, uri: server.url + "/paid/a?q=1", version: "1" });
    expect(ext.info.statement).to.equal("Sign in to your paid data");
    expect(ext.info.nonce).to.match(/^[0-9a-f]{32}$/);
    expect(Date.parse(ext.info.expirationTime!) - Date.parse(ext.info.issuedAt)).to.equal(300_000);
    expect(ext.supportedChains).to.deep.equal([{ chainId: `eip155:${d.chainId}`, type: "eip191" }]);
    expect(ext.schema.required).to.include("signature");
    expect((await challenge("/paid/a")).info.nonce).to.not.equal(ext.info.nonce);
    const plain = await fetch(server.url + "/plain");
    expect(declaredOf(plain).extensions?.[SIGN_IN_WITH_X]).to.equal(undefined);
  });

  it("serves a stock-built sign-in of a wallet that paid, without a charge", async () => {
    await payOnce();
    const record = async () => (await server.store.listOwed()).reduce((s, r) => s + r.charged, 0n);
    const charged = await record();
    const before = runs.length;
    const res = await signedIn("/paid/b", await stockHeader("/paid/b", await evm(d.payer)));
    expect(res.status).to.equal(200);
    expect(await res.text()).to.equal("ok /paid/b");
    expect(res.headers.get("x-z402-access")).to.equal("sign-in");
    expect(res.headers.get("payment-response")).to.equal(null);
    expect(runs.length).to.equal(before + 1);
    expect(await record()).to.equal(charged);
  });

  it("serves the stock wrapFetchWithSIWx client", async () => {
    await payOnce();
    const res = await wrapFetchWithSIWx(fetch, await evm(d.payer))(server.url + "/paid/c");
    expect(res.status).to.equal(200);
    expect(res.headers.get("x-z402-access")).to.equal("sign-in");
  });

  it("refuses a wallet that never paid (z402_siwx_no_access)", async () => {
    await refused("/paid/a", await stockHeader("/paid/a", await evm(freshKey())), "z402_siwx_no_access");
  });

  it("refuses the payer on another route it did not pay (z402_siwx_no_access)", async () => {
    await payOnce();
    await refused("/other", await stockHeader("/other", await evm(d.payer)), "z402_siwx_no_access");
  });

  it("refuses a replayed header (z402_siwx_nonce_used)", async () => {
    await payOnce();
    const header = await stockHeader("/paid/a", await evm(d.payer));
    expect((await signedIn("/paid/a", header)).status).to.equal(200);
    await refused("/paid/a", header, "z402_siwx_nonce_used");
  });

  it("refuses an expired message (z402_siwx_expired)", async () => {
    await payOnce();
    const header = await stockHeader("/paid/a", await evm(d.payer), (info) => {
      info.issuedAt = new Date(Date.now() - 60_000).toISOString();
      info.expirationTime = new Date(Date.now() - 1000).toISOString();
    });
    await refused("/paid/a", header, "z402_siwx_expired");
    const old = await stockHeader("/paid/a", await evm(d.payer), (info) => {
      info.issuedAt = new Date(Date.now() - 301_000).toISOString();
      delete info.expirationTime;
    });
    await refused("/paid/a", old, "z402_siwx_expired");
  });

  it("refuses a message issued in the future (z402_siwx_not_yet_valid)", async () => {
    await payOnce();
    const header = await stockHeader("/paid/a", await evm(d.payer), (info) => {
      info.issuedAt = new Date(Date.now() + 60_000).toISOString();
    });
    await refused("/paid/a", header, "z402_siwx_not_yet_valid");
  });

  it("refuses another domain or uri (z402_siwx_domain_mismatch, z402_siwx_uri_mismatch)", async () => {
    await payOnce();
    const payer = await evm(d.payer);
    const domain = await stockHeader("/paid/a", payer, (info) => {
      info.domain = "evil.example";
      info.uri = "http://evil.example/paid/a";
    });
    await refused("/paid/a", domain, "z402_siwx_domain_mismatch");
    // Signed for /paid/a (same origin), sent to /paid/b: the uri is not the requested resource.
    await refused("/paid/b", await stockHeader("/paid/a", payer), "z402_siwx_uri_mismatch");
  });

  it("refuses another chain (z402_siwx_chain_mismatch)", async () => {
    await payOnce();
    const header = await stockHeader("/paid/a", await evm(d.payer), (info) => {
      info.chainId = "eip155:1";
    });
    await refused("/paid/a", header, "z402_siwx_chain_mismatch");
  });

  it("refuses a signature by another key (z402_siwx_signature)", async () => {
    await payOnce();
    const other: Wallet = freshKey();
    const forged = {
      ...(await evm(d.payer)),
      signMessage: ({ message }: { message: string }) => other.signMessage(message),
    };
    await refused("/paid/a", await stockHeader("/paid/a", forged as EVMSigner), "z402_siwx_signature");
    await refused("/paid/a", "not base64!", "z402_siwx_invalid");
  });

  it("refuses once the access period is over (z402_siwx_no_access)", async () => {
    const res = await payingFetch(d)(server.url + "/short");
    expect(res.status).to.equal(200);
    const payer = await evm(d.payer);
    expect((await signedIn("/short", await stockHeader("/short", payer))).status).to.equal(200);
    await new Promise((r) => setTimeout(r, 1100));
    await refused("/short", await stockHeader("/short", payer), "z402_siwx_no_access");
  });

  it("grants access after an `exact` payment too (its payer is the authorization's signer)", async () => {
    const res = await payingFetch(d, { exactOnly: true })(server.url + "/exact");
    expect(res.status).to.equal(200);
    const ok = await signedIn("/exact", await stockHeader("/exact", await evm(d.payer)));
    expect(ok.status).to.equal(200);
    expect(ok.headers.get("x-z402-access")).to.equal("sign-in");
  });

  describe("our client", function () {
    it("pays once, then signs in; the stock verify helpers accept its header", async () => {
      const sent: string[] = [];
      const spy = (input: string | URL | Request, init?: RequestInit) => {
        const h = new Headers(init?.headers).get(SIGN_IN_WITH_X);
        if (h) sent.push(h);
        return fetch(input, init);
      };
      const client = payingFetch(d, { signIn: true }, spy);
      const first = await client(server.url + "/other");
      expect(first.headers.get("payment-response")).to.not.equal(null);
      expect(sent).to.have.length(0);
      const before = runs.length;
      const again = await client(server.url + "/other");
      expect(again.status).to.equal(200);
      expect(again.headers.get("x-z402-access")).to.equal("sign-in");
      expect(again.headers.get("payment-response")).to.equal(null);
      expect(runs.length).to.equal(before + 1);
      expect(sent).to.have.length(1);
      const payload = parseSIWxHeader(sent[0]);
      expect(await validateSIWxMessage(payload, new URL(server.url))).to.deep.equal({ isValid: true });
      const verified = await verifySIWxSignature(payload);
      expect(verified).to.deep.equal({ isValid: true, payer: await d.payer.getAddress() });
    });

    it("falls back to paying when its sign-in is refused", async () => {
      const client = payingFetch(d, { signIn: true });
      expect((await client(server.url + "/short")).headers.get("payment-response")).to.not.equal(null);
      await new Promise((r) => setTimeout(r, 1100));
      const res = await client(server.url + "/short");
      expect(res.status).to.equal(200);
      expect(res.headers.get("payment-response")).to.not.equal(null);
      expect(res.headers.get("x-z402-access")).to.equal(null);
    });
  });

  describe("two replicas on one access store", function () {
    let dir: string;
    let stores: AccessStore[];
    let a: TestServer;
    let b: TestServer;
    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "z402-siwx-"));
      const filename = path.join(dir, "access.db");
      stores = [new SqliteAccessStore({ filename }), new SqliteAccessStore({ filename })];
      const handler = (p: string) => {
        runs.push(p);
        return { status: 200, body: "ok " + p };
      };
      // Replicas behind one public origin: the messages name it, not the replica's own address.
      const routes = ROUTES.map((r) =>
        r.signIn ? { ...r, signIn: { ...r.signIn, origin: "https://api.example.com" } } : r,
      );
      a = await startServer(d, { routes, accessStore: stores[0], handler });
      b = await startServer(d, { routes, accessStore: stores[1], handler, adapter: "express" });
    });
    after(async () => {
      await Promise.all([a.close(), b.close()]);
      await Promise.all(stores.map((s) => s.close()));
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("grants on B what was paid on A, and refuses on B a nonce used on A", async () => {
      expect((await payingFetch(d)(a.url + "/paid/x")).status).to.equal(200);
      const payer = await evm(d.payer);
      const first = await stockHeader("/paid/x", payer, undefined, b.url);
      const onB = await signedIn("/paid/x", first, b.url);
      expect(onB.status).to.equal(200);
      expect(onB.headers.get("x-z402-access")).to.equal("sign-in");
      const header = await stockHeader("/paid/x", payer, undefined, a.url);
      expect(parseSIWxHeader(header).domain).to.equal("api.example.com");
      expect((await signedIn("/paid/x", header, a.url)).status).to.equal(200);
      await refused("/paid/x", header, "z402_siwx_nonce_used", b.url);
      await refused("/paid/x", first, "z402_siwx_nonce_used", a.url);
    });
  });
});
