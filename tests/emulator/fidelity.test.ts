import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ASSUMPTION_HEADER, ASSUMPTIONS, ROUTES } from "../../emulator/server";
import { useEmulator } from "../helpers/emulator";
import { call, HEADERS, rootOf } from "./call";

const TABLE = fs.readFileSync(path.resolve(__dirname, "../../../emulator/FIDELITY.md"), "utf8");
const assumptionsOf = (headers: Headers) =>
  (headers.get(ASSUMPTION_HEADER) ?? "")
    .split(",")
    .map((id) => id.trim())
    .filter(Boolean);

describe("the emulator's fidelity table (emulator/FIDELITY.md)", () => {
  it("has a row for every route the emulator serves", () => {
    const rows = TABLE.split("\n").filter((line) => line.startsWith("| `"));
    for (const route of ROUTES) {
      const cell = `\`${route.method} ${route.path}\``;
      assert.ok(
        rows.some((row) => row.split("|")[1]?.trim() === cell),
        `no row for ${cell}`,
      );
    }
  });

  it("names every assumption the emulator marks, and no assumption it does not have", () => {
    for (const id of Object.keys(ASSUMPTIONS)) assert.match(TABLE, new RegExp(`\`${id}\``), `no row names ${id}`);
    const named = [...TABLE.matchAll(/our assumption[*_]+ \(?`([a-z-]+)`/g)].map((match) => match[1] as string);
    assert.ok(named.length >= Object.keys(ASSUMPTIONS).length - 1);
    for (const id of named) assert.ok(id in ASSUMPTIONS, `the table names ${id}, which the emulator does not mark`);
  });

  describe("against the emulator", () => {
    const ctx = useEmulator({ rateLimitPerMinute: 1000 });
    const url = (route: string) => `${rootOf(ctx.emulator.url)}${route}`;
    const create = (headers = HEADERS) =>
      call(url("/v1/chatkit/sessions"), "POST", { user: "u", workflow: { id: "wf_1" } }, headers);

    it("serves every route in the table's list", async () => {
      const { json: session } = await create();
      for (const route of ROUTES) {
        const target = route.path.replace("{session_id}", session.id);
        const body =
          route.path === "/_emulator/faults" && route.method === "POST" ? { kind: "latency", delayMs: 0 } : undefined;
        if (route.path === "/_emulator/events") {
          // A stream that never ends: its status and type are enough.
          const controller = new AbortController();
          const response = await fetch(url(target), { signal: controller.signal });
          assert.equal(response.status, 200);
          assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
          controller.abort();
          continue;
        }
        const answer = await call(url(target), route.method, body);
        const missed = answer.status === 404 && /Invalid URL|Unknown emulator control/.test(answer.text);
        assert.ok(!missed, `${route.method} ${route.path} is not served: ${answer.text}`);
      }
      ctx.emulator.clearFaults();
    });

    it("answers what the schema and public errors describe without an assumption header", async () => {
      const created = await create();
      assert.equal(created.status, 200);
      assert.deepEqual(assumptionsOf(created.headers), []);
      const cancelled = await call(url(`/v1/chatkit/sessions/${created.json.id}/cancel`), "POST");
      assert.deepEqual(assumptionsOf(cancelled.headers), []);
      const invalid = await call(url("/v1/chatkit/sessions"), "POST", {
        user: "u",
        workflow: { id: "wf_1" },
        scope: {},
      });
      assert.deepEqual(assumptionsOf(invalid.headers), []);
      const unknown = await call(url("/v1/chatkit/sessions/cksess_none/cancel"), "POST");
      assert.deepEqual(assumptionsOf(unknown.headers), []);
    });

    it("marks every answer an assumption shapes", async () => {
      const { json: session } = await create();
      const secret = { authorization: `Bearer ${session.client_secret}`, "openai-beta": "chatkit_beta=v1" };
      const live = await call(url("/v1/chatkit/threads"), "GET", undefined, secret);
      assert.equal(live.status, 200);
      assert.deepEqual(assumptionsOf(live.headers).sort(), ["threads-client-secret", "threads-not-emulated"]);
      const withKey = await call(url("/v1/chatkit/threads"), "GET");
      assert.deepEqual(assumptionsOf(withKey.headers), ["threads-not-emulated"]);

      await call(url(`/v1/chatkit/sessions/${session.id}/cancel`), "POST");
      const again = await call(url(`/v1/chatkit/sessions/${session.id}/cancel`), "POST");
      assert.deepEqual(assumptionsOf(again.headers), ["cancel-not-active"]);
      const revoked = await call(url("/v1/chatkit/threads"), "GET", undefined, secret);
      assert.equal(revoked.status, 401);
      assert.deepEqual(assumptionsOf(revoked.headers), ["threads-client-secret"]);

      const other = await call(url(`/v1/chatkit/sessions/${session.id}/cancel`), "POST", undefined, {
        ...HEADERS,
        authorization: "Bearer sk-other-project",
      });
      assert.equal(other.status, 404);
      assert.deepEqual(assumptionsOf(other.headers), ["sessions-per-key"]);

      const { "openai-beta": _beta, ...noBeta } = HEADERS;
      const beta = await call(url("/v1/chatkit/sessions"), "POST", { user: "u", workflow: { id: "wf_1" } }, noBeta);
      assert.equal(beta.status, 400);
      assert.deepEqual(assumptionsOf(beta.headers), ["beta-header-required"]);

      const workflow = await call(url("/v1/chatkit/sessions"), "POST", { user: "u", workflow: { id: "other" } });
      assert.equal(workflow.status, 404);
      assert.equal(workflow.json.error.param, null, "as the public error shows");
      assert.deepEqual(assumptionsOf(workflow.headers), ["workflow-exists"]);

      const large = await call(url("/v1/chatkit/sessions"), "POST", "x".repeat(16 * 1024 * 1024 + 1));
      assert.equal(large.status, 413);
      assert.deepEqual(assumptionsOf(large.headers), ["body-size-limit"]);
    });
  });

  describe("with a rate limit", () => {
    const ctx = useEmulator({ rateLimitPerMinute: 1 });

    it("marks the 429 of its own limit", async () => {
      const body = { user: "u", workflow: { id: "wf_1" } };
      await call(`${ctx.emulator.url}/chatkit/sessions`, "POST", body);
      const limited = await call(`${ctx.emulator.url}/chatkit/sessions`, "POST", body);
      assert.equal(limited.status, 429);
      assert.deepEqual(assumptionsOf(limited.headers), ["rate-limit-window"]);
    });
  });

  describe("with a full session store", () => {
    const ctx = useEmulator({ maxStoredBytes: 100 });

    it("marks the 429 of its own store limit", async () => {
      const full = await call(`${ctx.emulator.url}/chatkit/sessions`, "POST", { user: "u", workflow: { id: "wf_1" } });
      assert.equal(full.status, 429);
      assert.deepEqual(assumptionsOf(full.headers), ["session-store-limit"]);
    });
  });
});
