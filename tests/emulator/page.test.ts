import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type Emulator, startEmulator } from "../../emulator/server";
import { SessionProvider } from "../../provider/lifecycle";
import { TEST_API_KEY } from "../helpers/emulator";
import { freePort } from "../helpers/ports";
import { call } from "./call";

/**
 * The live page in a real browser: Debian's chromium driven by playwright-core. Skipped, with the
 * reason, where no chromium is installed (CI installs it).
 */
const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const SCREENSHOT = path.resolve(__dirname, "../../../examples/teaching/emulator-page.png");

type Playwright = typeof import("playwright-core");
type Page = import("playwright-core").Page;
type BrowserContext = import("playwright-core").BrowserContext;

describe("the emulator's live page, in a browser", function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  /** Every answer the page received: bodies of its requests and the messages of its event stream. */
  const received: string[] = [];
  const env = () => ({ OPENAI_API_KEY: TEST_API_KEY, OPENAI_BASE_URL: emulator.url });
  // Moving the emulator's clock makes the provider warn that this machine's clock is behind: expected here.
  const lifecycle = () => new SessionProvider({ env: env(), warn: () => {} });
  const row = (id: string) => page.locator(`tr[data-session="${id}"]`);
  /** A cell's text as the page set it (textContent: the DOM's text, not the rendered layout's). */
  const cellText = async (id: string, label: string) =>
    (await row(id).locator(`td[data-label="${label}"]`).textContent({ timeout: 5_000 })) ?? "";
  const waitForStatus = (id: string, status: string) =>
    row(id).locator('[data-role="status"]', { hasText: status }).waitFor({ timeout: 10_000 });

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      console.log(`      skipped: no chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`);
      this.skip();
    }
    const playwright: Playwright = require("playwright-core");
    // A port below the ephemeral range: the restart test listens on it again, and no other
    // process can be handed it in between.
    emulator = await startEmulator({ teachingControls: true, port: await freePort() });
    profile = fs.mkdtempSync(path.join(os.tmpdir(), "chatkit-page-profile-"));
    context = await playwright.chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("response", (response) => {
      if (response.headers()["content-type"]?.startsWith("text/event-stream")) return;
      response.text().then(
        (text) => received.push(text),
        () => {},
      );
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    cdp.on("Network.eventSourceMessageReceived", (event) => received.push(event.data));
    await page.goto(emulator.pageUrl);
    await page.waitForSelector("#connection[data-state='live']");
  });

  after(async () => {
    await context?.close();
    await emulator?.close();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });

  it("shows a session created through the provider, with its user and a time left that counts down", async () => {
    const { id } = await lifecycle().create({
      user: "ada@example.com",
      workflow: { id: "wf_page" },
      expiresAfter: 300,
    });
    await row(id).waitFor({ timeout: 10_000 });
    assert.equal(await cellText(id, "User"), "ada@example.com");
    assert.match(await cellText(id, "Status"), /active/);
    const first = await cellText(id, "Time left");
    assert.match(first, /^[45]:\d\d$/);
    // The page ticks every second; a browser starved of CPU on a busy machine may tick late, so
    // the count is read until it goes down, for up to 15 s.
    const seconds = (text: string) => Number(text.split(":")[0]) * 60 + Number(text.split(":")[1]);
    let later = first;
    for (const deadline = Date.now() + 15_000; seconds(later) >= seconds(first) && Date.now() < deadline; ) {
      await page.waitForTimeout(250);
      later = await cellText(id, "Time left");
    }
    assert.ok(seconds(later) < seconds(first), `${later} is less than ${first}`);
  });

  it("shows a cancel made through the provider without a reload, greyed", async () => {
    const provider = lifecycle();
    const { id, outs } = await provider.create({ user: "grace", workflow: { id: "wf_page" } });
    await row(id).waitFor({ timeout: 10_000 });
    const navigations: string[] = [];
    page.on("framenavigated", (frame) => navigations.push(frame.url()));
    await provider.delete(id, outs as Record<string, unknown>);
    await waitForStatus(id, "cancelled");
    assert.match((await row(id).getAttribute("class")) ?? "", /ended/);
    assert.notEqual(await cellText(id, "Cancelled"), "");
    assert.deepEqual(navigations, [], "the page was not reloaded");
  });

  it("shows a session expire when the emulator's clock passes its expiry", async () => {
    const { id } = await lifecycle().create({ user: "linus", workflow: { id: "wf_page" }, expiresAfter: 60 });
    await row(id).waitFor({ timeout: 10_000 });
    emulator.advanceClock(61);
    await waitForStatus(id, "expired");
    assert.equal(await cellText(id, "Time left"), "—");
  });

  it("lists requests newest first, with a fault marked as injected", async () => {
    emulator.inject({ kind: "status", status: 500, on: "create" });
    await call(`${emulator.url}/chatkit/sessions`, "POST", { user: "u", workflow: { id: "wf_page" } });
    const first = page.locator("#requests tbody tr").first();
    await first.locator("text=injected fault: status").waitFor({ timeout: 10_000 });
    assert.match((await first.locator('td[data-label="Status"]').textContent()) ?? "", /500/);
    assert.match((await first.locator('td[data-label="Error"]').textContent()) ?? "", /server_error: Injected fault/);
  });

  it("cancels and expires sessions, and queues a 429, from its teaching controls by keyboard", async () => {
    const { id } = await lifecycle().create({ user: "teach-cancel", workflow: { id: "wf_page" } });
    const cancel = row(id).locator('button[data-action="cancel"]');
    await cancel.waitFor({ timeout: 10_000 });
    await cancel.focus();
    await page.keyboard.press("Enter");
    await waitForStatus(id, "cancelled");
    assert.equal(emulator.session(id)?.status, "cancelled");

    const { id: other } = await lifecycle().create({ user: "teach-expire", workflow: { id: "wf_page" } });
    const expire = row(other).locator('button[data-action="expire"]');
    await expire.waitFor({ timeout: 10_000 });
    await expire.focus();
    await page.keyboard.press("Enter");
    await waitForStatus(other, "expired");
    assert.equal(emulator.session(other)?.status, "expired");

    await page.locator("#retry-after").fill("2");
    await page.locator('button[data-fault="429"]').focus();
    await page.keyboard.press("Enter");
    await page.locator("#message", { hasText: "Queued" }).waitFor({ timeout: 5_000 });
    const limited = await call(`${emulator.url}/chatkit/sessions`, "POST", { user: "u", workflow: { id: "wf_page" } });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get("retry-after"), "2");
  });

  it("reads at 390 pixels wide without sideways scrolling, and takes the teaching example's screenshot at 1280", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const width = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth as number);
    assert.ok(width <= 390, `the page is ${width} px wide at 390`);
    await page.setViewportSize({ width: 1280, height: 900 });
    const shot = await page.screenshot({ fullPage: false });
    const target = process.env.CHATKIT_UPDATE_SCREENSHOTS ? SCREENSHOT : path.join(profile, "emulator-page.png");
    fs.writeFileSync(target, shot);
    assert.ok(shot.length > 10_000);
  });

  it("keeps working when the emulator restarts on the same address", async () => {
    const port = emulator.port;
    await emulator.close();
    await page.waitForSelector("#connection[data-state='lost']", { timeout: 10_000 });
    emulator = await startEmulator({ port, teachingControls: true });
    const { id } = await lifecycle().create({ user: "after-restart", workflow: { id: "wf_page" } });
    await row(id).waitFor({ timeout: 15_000 });
    await page.waitForSelector("#connection[data-state='live']");
  });

  it("never shows or receives a client secret or an API key", async () => {
    const secrets = [TEST_API_KEY, ...emulator.listSessions().map((s) => String(s.clientSecret))];
    const html = await page.content();
    assert.ok(received.length > 5, "the page's answers were recorded");
    const everything = [html, ...received].join("\n");
    assert.deepEqual(
      secrets.filter((secret) => everything.includes(secret)),
      [],
    );
  });
});

describe("the emulator's live page, over HTTP", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({});
  });
  after(() => emulator.close());

  it("keeps the teaching controls off unless asked for", async () => {
    const state = await call(`${emulator.pageUrl}_emulator/state`, "GET");
    assert.equal(state.json.teaching, false);
    const created = await call(`${emulator.url}/chatkit/sessions`, "POST", { user: "u", workflow: { id: "wf_1" } });
    const cancel = await call(`${emulator.pageUrl}_emulator/sessions/${created.json.id}/cancel`, "POST");
    assert.equal(cancel.status, 403);
    assert.match(cancel.json.error.message, /--teach/);
    assert.equal(emulator.session(created.json.id)?.status, "active");
  });

  it("answers the page and its endpoints only on the address it listens on, and only to its own page", async () => {
    const http = await import("node:http");
    const get = (route: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        http
          .get({ host: "127.0.0.1", port: emulator.port, path: route, headers }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on("error", reject);
      });
    assert.equal(await get("/", {}), 200);
    assert.equal(await get("/", { host: `localhost:${emulator.port}` }), 200);
    for (const route of ["/", "/_emulator/state", "/_emulator/sessions"]) {
      assert.equal(await get(route, { host: `attacker.example:${emulator.port}` }), 421, route);
      assert.equal(await get(route, { origin: "http://attacker.example" }), 421, route);
    }
  });

  it("serves a page with nothing to fetch from elsewhere", async () => {
    const page = await call(emulator.pageUrl, "GET");
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /(src|href)=["']?(https?:)?\/\//i, "no external script, style or image");
    assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'none'/);
  });
});
