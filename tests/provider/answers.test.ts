import * as assert from "node:assert/strict";
import { SessionProvider } from "../../provider/lifecycle";
import { rejection } from "../helpers/rejection";
import { errorJson, sessionJson, useScriptedServer } from "../helpers/scripted";

const inputs = { user: "u", workflow: { id: "wf_scripted" }, expiresAfter: 120 };
const KEY = "sk-proj-scripted-key-0123456789abcdef";

/** Answers that gateways, broken networks and odd APIs give, which the emulator cannot make. */
describe("the provider against answers the emulator cannot make", function () {
  this.timeout(20_000);
  const scripted = useScriptedServer();

  async function lifecycle(config: Record<string, string> = {}) {
    const provider = new SessionProvider({
      env: {},
      sleep: async () => {},
      random: () => 0.5,
      warn: (message) => scripted.warnings.push(message),
    });
    const values: Record<string, string> = { "chatkit:apiKey": KEY, "chatkit:baseUrl": scripted.server.url, ...config };
    await provider.configure({ config: { get: (key: string) => values[key] } });
    return provider;
  }
  const live = (_id: string) => ({
    status: "active",
    expiresAt: Math.floor(Date.now() / 1000) + 300,
    clientSecret: `ek_live_${Math.random().toString(36).slice(2)}_0123456789abcdef`,
  });

  describe("create", () => {
    for (const status of [502, 503, 504]) {
      it(`does not repeat a create after a ${status} from a gateway that had forwarded it`, async () => {
        scripted.script = [
          { acts: true, status, body: "<html>bad gateway</html>" },
          { acts: true, body: sessionJson() },
        ];
        const error = await rejection((await lifecycle()).create(inputs));
        assert.equal(scripted.server.acted.create, 1, "one session, not two");
        assert.match(error.message, new RegExp(`HTTP ${status}`));
        assert.match(error.message, /may have been created but not recorded/);
        assert.equal(scripted.warnings.length, 1);
      });
    }

    it("reports a JSON null answer as a body that is not a session, and a possible unrecorded one", async () => {
      scripted.script = [{ acts: true, body: "null" }];
      const error = await rejection((await lifecycle()).create(inputs));
      assert.match(
        error.message,
        /failed after 1 attempt: the API answered the create with a body that is not a ChatKit session/,
      );
      assert.match(error.message, /may have been created but not recorded/);
      assert.equal(scripted.warnings.length, 1);
    });

    it("counts the cancel of a created but unreadable session as done when the API says it is not found", async () => {
      scripted.script = [
        { acts: true, body: sessionJson({ id: "cksess_unread", user: 5 }) },
        { status: 404, body: errorJson("Chatkit Session with id 'cksess_unread' not found.") },
      ];
      const error = await rejection((await lifecycle()).create(inputs));
      assert.match(
        error.message,
        /did create session cksess_unread but its answer could not be read, so it was cancelled at once/,
      );
      assert.equal(scripted.server.requests[1]?.path, "/v1/chatkit/sessions/cksess_unread/cancel");
      assert.deepEqual(scripted.warnings, []);
    });

    it("never shows the key when something fails between attempts", async () => {
      const key = "custom-key-0123456789abcdef";
      scripted.script = [
        { status: 429, headers: { "retry-after-ms": "10" }, body: errorJson("slow down", "requests") },
      ];
      const provider = new SessionProvider({
        env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: scripted.server.url },
        sleep: async () => {
          throw new Error(`the wait was interrupted (key ${key})`);
        },
        warn: (message) => scripted.warnings.push(message),
      });
      const error = await rejection(provider.create(inputs));
      assert.match(error.message, /the wait was interrupted \(key \[redacted\]\)/);
      assert.ok(!error.message.includes(key), error.message);
    });

    it("refuses a session that is not active, and has nothing to cancel", async () => {
      scripted.script = [{ acts: true, body: sessionJson({ id: "cksess_old", status: "expired" }) }];
      const error = await rejection((await lifecycle()).create(inputs));
      assert.match(error.message, /session cksess_old, which cannot be used: its status is "expired"/);
      assert.match(error.message, /nothing to cancel/);
      assert.equal(scripted.server.requests.length, 1);
    });

    it("refuses a session without a client secret, and cancels it", async () => {
      scripted.script = [
        { acts: true, body: sessionJson({ id: "cksess_empty", client_secret: "" }) },
        { acts: true, body: sessionJson({ id: "cksess_empty", status: "cancelled", client_secret: "" }) },
      ];
      const error = await rejection((await lifecycle()).create(inputs));
      assert.match(error.message, /its client_secret is empty/);
      assert.match(error.message, /did create session cksess_empty but it cannot be used, so it was cancelled at once/);
      assert.equal(scripted.server.requests[1]?.path, "/v1/chatkit/sessions/cksess_empty/cancel");
    });

    it("bounds the whole attempt by the timeout when the body stalls after the headers", async () => {
      scripted.script = [{ acts: true, stallBody: true }];
      const started = Date.now();
      const error = await rejection((await lifecycle({ "chatkit:timeoutSeconds": "0.5" })).create(inputs));
      const took = Date.now() - started;
      assert.ok(took < 1500, `${took} ms`);
      assert.match(error.message, /the answer started \(HTTP 200\) and did not finish within 0\.5 s/);
      assert.match(error.message, /may have been created/);
      assert.equal(scripted.server.requests.length, 1);
    });

    it("bounds the whole attempt when the body trickles one byte at a time", async () => {
      scripted.script = [{ acts: true, trickleMs: 50 }];
      const started = Date.now();
      await assert.rejects(
        (await lifecycle({ "chatkit:timeoutSeconds": "0.5" })).create(inputs),
        /the answer started \(HTTP 200\) and did not finish within 0\.5 s/,
      );
      assert.ok(Date.now() - started < 1500);
    });

    it("tells an error answer whose body trickles from no answer: a 4xx proves nothing was created", async () => {
      scripted.script = [{ status: 400, body: errorJson("Invalid value for 'user'."), trickleMs: 100 }];
      const error = await rejection((await lifecycle({ "chatkit:timeoutSeconds": "0.5" })).create(inputs));
      assert.match(error.message, /the answer started \(HTTP 400\) and did not finish within 0\.5 s/);
      assert.doesNotMatch(error.message, /no answer within|may have/);
      assert.deepEqual(scripted.warnings, []);
      assert.equal(scripted.server.requests.length, 1);
    });

    it("still warns of a possible session when a 5xx answer's body trickles", async () => {
      scripted.script = [{ acts: true, status: 500, body: errorJson("The server had an error."), trickleMs: 100 }];
      const error = await rejection((await lifecycle({ "chatkit:timeoutSeconds": "0.5" })).create(inputs));
      assert.match(error.message, /the answer started \(HTTP 500\) and did not finish within 0\.5 s/);
      assert.match(error.message, /may have been created/);
      assert.equal(scripted.warnings.length, 1);
    });

    it("explains a connection reset in the middle of the answer", async () => {
      scripted.script = [{ acts: true, reset: "midBody" }];
      const error = await rejection((await lifecycle()).create(inputs));
      assert.match(
        error.message,
        /the connection was closed while the answer \(HTTP 200\) was arriving, so it could not be read \(terminated/,
      );
      assert.match(error.message, /may have been created/);
      assert.equal(scripted.server.requests.length, 1);
    });

    it("explains a connection closed before any answer, without claiming it could not connect", async () => {
      scripted.script = [{ acts: true, reset: "beforeAnswer" }];
      const error = await rejection((await lifecycle()).create(inputs));
      assert.match(error.message, /failed after 1 attempt: Connection error\. \(fetch failed: other side closed/);
      assert.match(error.message, /was closed before an answer arrived/);
      assert.match(error.message, /may have been created/);
    });

    /** A provider that waits in real time (no injected sleep), for the tests that time a budget. */
    async function onRealTime(config: Record<string, string>) {
      const provider = new SessionProvider({ env: {}, warn: (message) => scripted.warnings.push(message) });
      const values: Record<string, string> = {
        "chatkit:apiKey": KEY,
        "chatkit:baseUrl": scripted.server.url,
        ...config,
      };
      await provider.configure({ config: { get: (key: string) => values[key] } });
      return provider;
    }

    it("cancels an unusable session within what is left of the budget", async () => {
      scripted.script = [
        { acts: true, delayMs: 1500, body: sessionJson({ id: "cksess_late", client_secret: "" }) },
        { hang: true },
      ];
      const provider = await onRealTime({ "chatkit:retryBudgetSeconds": "2" });
      const started = Date.now();
      const error = await rejection(provider.create(inputs));
      const took = Date.now() - started;
      assert.ok(took <= 3000, `${took} ms against a 2 s budget`);
      assert.equal(scripted.server.requests[1]?.path, "/v1/chatkit/sessions/cksess_late/cancel");
      assert.match(error.message, /cancelling it failed; it stays active until it expires/);
      assert.equal(scripted.warnings.length, 1);
    });

    it("ends within the retry budget plus a second, the last attempt cut to what is left", async () => {
      scripted.script = [
        { status: 429, headers: { "retry-after-ms": "400" }, body: errorJson("slow down", "requests") },
        { hang: true },
      ];
      const provider = await onRealTime({ "chatkit:timeoutSeconds": "5", "chatkit:retryBudgetSeconds": "2" });
      const started = Date.now();
      const error = await rejection(provider.create(inputs));
      const took = Date.now() - started;
      assert.ok(took <= 3000, `${took} ms against a 2 s budget`);
      assert.ok(took >= 1900, `${took} ms: the second attempt had the rest of the budget`);
      assert.equal(scripted.server.requests.length, 2);
      // Cut to what was left: the 2 s budget less the 0.4 s wait and the first attempt, which takes
      // longer on a busy machine; not the 5 s timeout.
      const within = Number(/no answer within (\d+(?:\.\d+)?) s/.exec(error.message)?.[1]);
      assert.ok(within > 0 && within <= 1.6, error.message);
    });

    it("says nothing was sent to a port that fetch refuses, instead of a possible session", async () => {
      const provider = await lifecycle({ "chatkit:baseUrl": "http://127.0.0.1:6000/v1" });
      const error = await rejection(provider.create(inputs));
      assert.match(
        error.message,
        /failed after 1 attempt: nothing was sent: fetch refuses to connect to the port of http:\/\/127\.0\.0\.1:6000\/v1/,
      );
      assert.doesNotMatch(error.message, /may have/);
      assert.deepEqual(scripted.warnings, []);
    });
    it("says nothing was sent when the TLS handshake fails (https to a plain HTTP server)", async () => {
      const provider = await lifecycle({ "chatkit:baseUrl": scripted.server.url.replace("http:", "https:") });
      const error = await rejection(provider.create(inputs));
      assert.match(
        error.message,
        /failed after 1 attempt: nothing was sent: the TLS handshake with https:\/\/127\.0\.0\.1:\d+\/v1 failed \(ERR_SSL_WRONG_VERSION_NUMBER\)/,
      );
      assert.doesNotMatch(error.message, /may have/);
      assert.equal(scripted.server.requests.length, 0);
    });
  });

  describe("delete", () => {
    it("redacts the session's client secret from what the API echoes", async () => {
      const state = live("cksess_echo");
      scripted.script = [
        { status: 403, body: errorJson(`Session token_${state.clientSecret} may not be cancelled by this key`) },
      ];
      const error = await rejection((await lifecycle()).delete("cksess_echo", state));
      assert.match(error.message, /HTTP 403/);
      assert.ok(!error.message.includes(state.clientSecret.slice(3)), error.message);
    });

    it("redacts a client secret from what the API echoes, whatever its shape", async () => {
      const state = { ...live("cksess_shape"), clientSecret: "cs_live_0123456789abcdefghij" };
      scripted.script = [
        { status: 403, body: errorJson(`Session ${state.clientSecret} may not be cancelled by this key`) },
      ];
      const error = await rejection((await lifecycle()).delete("cksess_shape", state));
      assert.match(error.message, /HTTP 403/);
      assert.match(error.message, /Session \[redacted\] may not be cancelled/);
    });

    it("counts a 400 saying the session has expired as done, even asked from elsewhere than where it was created", async () => {
      const elsewhere = {
        ...live("cksess_ended_elsewhere"),
        apiEndpoint: {
          baseUrl: scripted.server.url,
          organization: null,
          project: null,
          keyFingerprint: "0123456789ab",
        },
      };
      scripted.script = [
        { status: 400, body: errorJson("Chatkit Session with id 'cksess_ended_elsewhere' has already expired.") },
      ];
      await (await lifecycle()).delete("cksess_ended_elsewhere", elsewhere);
      assert.equal(scripted.server.requests.length, 1);
    });

    it("never shows the key when a 404 from elsewhere keeps the session, even a key pasted into the organization", async () => {
      const key = "custom-key-0123456789abcdef";
      const provider = new SessionProvider({ env: {}, warn: (message) => scripted.warnings.push(message) });
      const values: Record<string, string> = {
        "chatkit:apiKey": key,
        "chatkit:baseUrl": scripted.server.url,
        "chatkit:organization": key,
      };
      await provider.configure({ config: { get: (name: string) => values[name] } });
      const state = {
        ...live("cksess_kept"),
        apiEndpoint: {
          baseUrl: scripted.server.url,
          organization: null,
          project: null,
          keyFingerprint: "0123456789ab",
        },
      };
      scripted.script = [{ status: 404, body: errorJson("Chatkit Session with id 'cksess_kept' not found.") }];
      const error = await rejection(provider.delete("cksess_kept", state));
      assert.match(error.message, /ChatKit session cksess_kept was not cancelled/);
      assert.match(error.message, /the organization: none at create, fingerprint [0-9a-f]{8} now/);
      assert.ok(!error.message.includes(key), error.message);
    });

    it("does not count a 404 for an unknown route as a session already gone", async () => {
      scripted.script = [{ status: 404, body: errorJson("Invalid URL (POST /chatkit/sessions/cksess_route/cancel)") }];
      const error = await rejection((await lifecycle()).delete("cksess_route", live("cksess_route")));
      assert.match(error.message, /HTTP 404/);
      assert.match(error.message, /ends with \/v1/);
    });

    it("counts a 404 saying this session is not found as gone", async () => {
      scripted.script = [{ status: 404, body: errorJson("Chatkit Session with id 'cksess_gone' not found.") }];
      await (await lifecycle()).delete("cksess_gone", live("cksess_gone"));
    });

    it("does not count a 404 about another session, or about something else, as gone", async () => {
      for (const message of ["Chatkit Session with id 'cksess_other' not found.", "Project not found."]) {
        scripted.script = [{ status: 404, body: errorJson(message) }];
        scripted.server.requests.length = 0;
        await assert.rejects((await lifecycle()).delete("cksess_mine", live("cksess_mine")), /HTTP 404/, message);
      }
    });

    it("counts a 400 saying this session already ended as done, and nothing else that mentions the words", async () => {
      scripted.script = [
        { status: 400, body: errorJson("Chatkit Session with id 'cksess_ended' has already been cancelled.") },
      ];
      await (await lifecycle()).delete("cksess_ended", live("cksess_ended"));
      scripted.script = [
        { status: 400, body: errorJson("The project has expired billing; cancelled requests are not refunded.") },
      ];
      scripted.server.requests.length = 0;
      await assert.rejects((await lifecycle()).delete("cksess_b", live("cksess_b")), /HTTP 400/);
    });

    it("retries a 409 and never counts it as done", async () => {
      const conflict = {
        status: 409,
        body: errorJson("Session cannot be cancelled while a response is streaming; retry later."),
      };
      scripted.script = [
        conflict,
        { acts: true, body: sessionJson({ id: "cksess_busy", status: "cancelled", client_secret: "" }) },
      ];
      await (await lifecycle()).delete("cksess_busy", live("cksess_busy"));
      assert.equal(scripted.server.requests.length, 2);
      assert.equal(scripted.server.acted.cancel, 1);
      scripted.script = Array.from({ length: 3 }, () => conflict);
      scripted.server.requests.length = 0;
      await assert.rejects(
        (await lifecycle({ "chatkit:maxRetries": "2" })).delete("cksess_busy2", live("cksess_busy2")),
        /gave up after 3 attempts: HTTP 409/,
      );
    });

    it("does not resolve on an answer that does not confirm the cancel", async () => {
      scripted.script = [{ body: sessionJson({ id: "cksess_still", status: "active" }) }];
      await assert.rejects(
        (await lifecycle({ "chatkit:maxRetries": "0" })).delete("cksess_still", live("cksess_still")),
        /does not confirm that session cksess_still ended/,
      );
    });
  });
});
