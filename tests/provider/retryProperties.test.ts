import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { SessionProvider } from "../../provider/lifecycle";
import {
  errorJson,
  type ScriptedAnswer,
  type ScriptedRequest,
  type ScriptedServer,
  sessionJson,
  startScripted,
} from "../helpers/scripted";

/**
 * The retry rules, for every sequence of answers a real API, its gateways and the network can
 * give: statuses with and without Retry-After, resets, stalls, trickles, partial and unusable
 * bodies. Waits run on a virtual clock; attempts run for real against a scripted server, with a
 * short timeout so that stalls cost little real time.
 */
const TIMEOUT_S = 0.15;
const BUDGET_S = 1;
const MAX_RETRIES = 4;

/** An answer, and whether it proves the API did not act on a create. */
interface Step {
  answer: ScriptedAnswer;
  provesNotActed: boolean;
  label: string;
}

const retryAfter = fc.oneof(
  fc.constant({}),
  fc.integer({ min: 0, max: 3 }).map((seconds) => ({ "retry-after": String(seconds) })),
  fc.integer({ min: 0, max: 120 }).map((seconds) => ({ "retry-after": String(seconds) })),
  fc.integer({ min: 0, max: 2500 }).map((ms) => ({ "retry-after-ms": String(ms) })),
);

/** Answers shared by both endpoints: failures of every kind, the API acting or not before them. */
function failure(acts: boolean): fc.Arbitrary<Step> {
  return fc.oneof(
    fc.record({ status: fc.constantFrom(500, 502, 503, 504), headers: retryAfter }).map(({ status, headers }) => ({
      answer: { acts, status, headers, body: errorJson("upstream trouble", "server_error") },
      provesNotActed: false,
      label: `${status}`,
    })),
    fc.constant({ answer: { acts, reset: "beforeAnswer" as const }, provesNotActed: false, label: "reset" }),
    fc.constant({ answer: { acts, reset: "midBody" as const }, provesNotActed: false, label: "reset mid-body" }),
    fc.constant({ answer: { acts, stallBody: true }, provesNotActed: false, label: "stall" }),
    fc.constant({ answer: { acts, trickleMs: 40 }, provesNotActed: false, label: "trickle" }),
    fc.constant({ answer: { acts, body: '{"id": "cksess_p' }, provesNotActed: false, label: "partial body" }),
  );
}

const rateLimited: fc.Arbitrary<Step> = retryAfter.map((headers) => ({
  answer: { status: 429, headers, body: errorJson("Rate limit reached.", "requests") },
  provesNotActed: true,
  label: "429",
}));

const createStep: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: rateLimited },
  { weight: 6, arbitrary: fc.boolean().chain(failure) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(400, 404, 409).map((status) => ({
      answer: { status, body: errorJson("refused") },
      provesNotActed: false,
      label: `${status}`,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom({ status: "expired" }, { client_secret: "" }).map((overrides) => ({
      answer: { acts: true, body: sessionJson(overrides) },
      provesNotActed: false,
      label: "unusable",
    })),
  },
  { weight: 2, arbitrary: fc.constant({ answer: { acts: true }, provesNotActed: false, label: "200" }) },
);

/** Stands for the session id of the current run in scripted cancel answers. */
const ID = "cksess_RUNID";
/** Cancel answers, and whether each confirms that the session ended. */
const cancelStep: fc.Arbitrary<Step & { confirms: boolean }> = fc.oneof(
  rateLimited.map((step) => ({ ...step, confirms: false })),
  fc
    .boolean()
    .chain(failure)
    .map((step) => ({ ...step, confirms: false })),
  fc
    .constantFrom(
      { status: 404, message: `Chatkit Session with id '${ID}' not found.`, confirms: true },
      { status: 404, message: `Invalid URL (POST /chatkit/sessions/${ID}/cancel)`, confirms: false },
      { status: 404, message: "Chatkit Session with id 'cksess_other' not found.", confirms: false },
      { status: 400, message: `Chatkit Session with id '${ID}' has already been cancelled.`, confirms: true },
      { status: 400, message: "The project has expired billing.", confirms: false },
      {
        status: 409,
        message: "Session cannot be cancelled while a response is streaming; retry later.",
        confirms: false,
      },
      { status: 401, message: "Incorrect API key provided.", confirms: false },
    )
    .map(({ status, message, confirms }) => ({
      answer: { status, body: errorJson(message) },
      provesNotActed: false,
      confirms,
      label: `${status} ${message}`,
    })),
  fc.constantFrom("cancelled", "expired", "active").map((status) => ({
    answer: { body: sessionJson({ id: ID, status, client_secret: "" }) },
    provesNotActed: false,
    confirms: status !== "active",
    label: `200 ${status}`,
  })),
);

describe("retry rules for every sequence of answers (fast-check)", function () {
  this.timeout(120_000);
  let server: ScriptedServer;
  let steps: Step[] = [];
  /** Each run has its own tag (the user of a create, the session id of a cancel), so that a request
   * of an earlier run that reaches the server late (its attempt already timed out) is told apart. */
  let run = 0;
  let requests: ScriptedRequest[] = [];
  const belongs = (request: ScriptedRequest) =>
    request.path.includes(`cksess_run${run}/`) || request.body.includes(`"user":"run${run}"`);

  before(async () => {
    server = await startScripted((request) => {
      if (!belongs(request)) return { hang: true };
      const step = steps[requests.push(request) - 1];
      if (!step) return { status: 599, body: errorJson("over") };
      const { body } = step.answer;
      return { ...step.answer, ...(body !== undefined && { body: body.replaceAll(ID, `cksess_run${run}`) }) };
    });
  });
  after(async () => {
    await server.close();
  });

  /** A lifecycle whose waits pass on a virtual clock that runs on top of the real one. */
  async function lifecycle() {
    let slept = 0;
    const provider = new SessionProvider({
      env: {},
      now: () => Date.now() + slept,
      sleep: async (ms) => {
        slept += ms;
      },
      warn: () => {},
    });
    const config: Record<string, string> = {
      "chatkit:apiKey": "sk-property-key-0123456789",
      "chatkit:baseUrl": server.url,
      "chatkit:timeoutSeconds": String(TIMEOUT_S),
      "chatkit:retryBudgetSeconds": String(BUDGET_S),
      "chatkit:maxRetries": String(MAX_RETRIES),
    };
    await provider.configure({ config: { get: (key: string) => config[key] } });
    return { provider, elapsed: (since: number) => Date.now() + slept - since };
  }

  function reset(next: Step[]) {
    run++;
    steps = next;
    requests = [];
  }

  it("never repeats a create after an answer that does not prove the API did not act, and ends within budget + 1 s", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(createStep, { minLength: 1, maxLength: 6 }), async (sequence) => {
        reset(sequence);
        const { provider, elapsed } = await lifecycle();
        const started = Date.now();
        const outcome = await provider
          .create({ user: `run${run}`, workflow: { id: "wf_scripted" }, expiresAfter: 60 })
          .then(
            () => "created",
            () => "failed",
          );
        const creates = requests.filter((request) => request.path === "/v1/chatkit/sessions");
        const labels = sequence.map((step) => step.label).join(", ");
        for (const [index] of creates.slice(0, -1).entries()) {
          assert.ok(
            sequence[index]?.provesNotActed,
            `create repeated after "${sequence[index]?.label}" in [${labels}]`,
          );
        }
        const took = elapsed(started);
        assert.ok(took <= (BUDGET_S + 1) * 1000, `${took} ms for [${labels}]`);
        if (outcome === "created") assert.equal(sequence[creates.length - 1]?.label, "200", labels);
      }),
      { numRuns: 60 },
    );
  });

  it("resolves a delete only on a confirmed cancel or a confirmed absence, and ends within budget + 1 s", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cancelStep, { minLength: 1, maxLength: 6 }), async (sequence) => {
        reset(sequence);
        const { provider, elapsed } = await lifecycle();
        const started = Date.now();
        const state = { status: "active", expiresAt: Math.floor(Date.now() / 1000) + 300, clientSecret: "ek_x" };
        const outcome = await provider.delete(`cksess_run${run}`, state).then(
          () => "resolved",
          () => "failed",
        );
        const labels = sequence.map((step) => step.label).join(", ");
        const last = sequence[requests.length - 1];
        if (outcome === "resolved") assert.ok(last?.confirms, `resolved after "${last?.label}" in [${labels}]`);
        const took = elapsed(started);
        assert.ok(took <= (BUDGET_S + 1) * 1000, `${took} ms for [${labels}]`);
      }),
      { numRuns: 60 },
    );
  });
});
