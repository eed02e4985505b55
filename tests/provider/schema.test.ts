import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { SessionProvider } from "../../provider/lifecycle";
import { formatPath, validateInputs } from "../../provider/schema";
import { UNKNOWN } from "../../provider/unknown";
import { useEmulator } from "../helpers/emulator";

const valid = { user: "user-1", workflow: { id: "wf_1" } };
const withWorkflow = (workflow: Record<string, unknown>) => ({ ...valid, workflow: { id: "wf_1", ...workflow } });
const withConfig = (chatkitConfiguration: unknown) => ({ ...valid, chatkitConfiguration });
const manyVariables = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`v${i}`, i]));

/** [what, inputs, the property the failure must name, a phrase of the rule it must say]. */
const CATALOGUE: [string, unknown, string, RegExp][] = [
  ["no user", { workflow: { id: "wf_1" } }, "user", /is required/],
  ["an empty user", { ...valid, user: "" }, "user", /must not be empty/],
  ["a numeric user", { ...valid, user: 42 }, "user", /^user must be a string, got a number$/],
  ["a user object", { ...valid, user: { name: "x" } }, "user", /must be a string, got an object/],
  ["no workflow", { user: "u" }, "workflow", /is required/],
  ["a workflow string", { ...valid, workflow: "wf_1" }, "workflow", /must be an object/],
  ["an empty workflow id", withWorkflow({ id: "" }), "workflow.id", /must not be empty/],
  ["a null workflow id", withWorkflow({ id: null }), "workflow.id", /must be a string, got null/],
  ["version latest", withWorkflow({ version: "latest" }), "workflow.version", /omit version to run the latest/],
  ["an empty version", withWorkflow({ version: "" }), "workflow.version", /must not be empty/],
  ["a numeric version", withWorkflow({ version: 3 }), "workflow.version", /must be a string/],
  [
    "snake_case state_variables",
    withWorkflow({ state_variables: {} }),
    "workflow.state_variables",
    /use stateVariables/,
  ],
  [
    "state variables as an array",
    withWorkflow({ stateVariables: ["a"] }),
    "workflow.stateVariables",
    /must be an object/,
  ],
  [
    "65 state variables",
    withWorkflow({ stateVariables: manyVariables(65) }),
    "workflow.stateVariables",
    /at most 64 variables, got 65/,
  ],
  [
    "a 65-character key",
    withWorkflow({ stateVariables: { ["k".repeat(65)]: 1 } }),
    `workflow.stateVariables.${"k".repeat(65)}`,
    /1 to 64 characters/,
  ],
  ["an empty key", withWorkflow({ stateVariables: { "": 1 } }), 'workflow.stateVariables[""]', /1 to 64 characters/],
  [
    "a nested object value",
    withWorkflow({ stateVariables: { plan: { tier: 1 } } }),
    "workflow.stateVariables.plan",
    /primitive/,
  ],
  ["an array value", withWorkflow({ stateVariables: { tags: ["a"] } }), "workflow.stateVariables.tags", /primitive/],
  [
    "a null value",
    withWorkflow({ stateVariables: { gone: null } }),
    "workflow.stateVariables.gone",
    /primitive.*got null/,
  ],
  [
    "a NaN value",
    withWorkflow({ stateVariables: { n: Number.NaN } }),
    "workflow.stateVariables.n",
    /finite number, got NaN/,
  ],
  [
    "an Infinity value",
    withWorkflow({ stateVariables: { n: Number.POSITIVE_INFINITY } }),
    "workflow.stateVariables.n",
    /finite number/,
  ],
  [
    "a huge string value",
    withWorkflow({ stateVariables: { blob: "x".repeat(10 * 1024 * 1024 + 1) } }),
    "workflow.stateVariables.blob",
    /at most 10485760 characters/,
  ],
  ["tracing as a boolean", withWorkflow({ tracing: true }), "workflow.tracing", /must be an object/],
  [
    "tracing enabled as a string",
    withWorkflow({ tracing: { enabled: "yes" } }),
    "workflow.tracing.enabled",
    /must be a boolean/,
  ],
  [
    "a misspelt tracing key",
    withWorkflow({ tracing: { enable: true } }),
    "workflow.tracing.enable",
    /did you mean enabled/,
  ],
  ["a misspelt workflow key", withWorkflow({ verison: "1" }), "workflow.verison", /did you mean version/],
  ["expiresAfter 0", { ...valid, expiresAfter: 0 }, "expiresAfter.seconds", /at least 1, got the number 0/],
  ["expiresAfter 601", { ...valid, expiresAfter: 601 }, "expiresAfter.seconds", /at most 600 .*10 minutes/],
  [
    "expiresAfter 1800 (the seed page's example)",
    { ...valid, expiresAfter: 1800 },
    "expiresAfter.seconds",
    /at most 600/,
  ],
  ["expiresAfter 1.5", { ...valid, expiresAfter: 1.5 }, "expiresAfter.seconds", /whole number/],
  ["expiresAfter NaN", { ...valid, expiresAfter: Number.NaN }, "expiresAfter.seconds", /finite number, got NaN/],
  [
    "expiresAfter Infinity",
    { ...valid, expiresAfter: Number.POSITIVE_INFINITY },
    "expiresAfter.seconds",
    /finite number/,
  ],
  [
    "an expiresAfter string",
    { ...valid, expiresAfter: "600" },
    "expiresAfter",
    /must be a number of seconds, got the string "600": write it without quotes \(expiresAfter: 600 is shorthand/,
  ],
  [
    "a top-level toString (an inherited name)",
    JSON.parse('{"toString": 1, "user": "u", "workflow": {"id": "wf_1"}}'),
    "toString",
    /^toString is not known; the properties here are user, workflow/,
  ],
  [
    "a top-level constructor",
    JSON.parse('{"constructor": 1, "user": "u", "workflow": {"id": "wf_1"}}'),
    "constructor",
    /^constructor is not known; the properties here are/,
  ],
  [
    "a top-level __proto__",
    JSON.parse('{"__proto__": {"a": 1}, "user": "u", "workflow": {"id": "wf_1"}}'),
    "__proto__",
    /^__proto__ is not known; the properties here are/,
  ],
  [
    "a key of 65 code points (emoji count once, as the API counts)",
    withWorkflow({ stateVariables: { ["😀".repeat(65)]: 1 } }),
    `workflow.stateVariables[${JSON.stringify("😀".repeat(65))}]`,
    /1 to 64 characters \(Unicode code points, as the API counts\) long, got 65/,
  ],
  [
    "a wrong anchor",
    { ...valid, expiresAfter: { anchor: "now", seconds: 60 } },
    "expiresAfter.anchor",
    /must be "created_at"/,
  ],
  [
    "expiresAfter without seconds",
    { ...valid, expiresAfter: { anchor: "created_at" } },
    "expiresAfter.seconds",
    /is required/,
  ],
  [
    "maxFileSize 0",
    withConfig({ fileUpload: { maxFileSize: 0 } }),
    "chatkitConfiguration.fileUpload.maxFileSize",
    /at least 1/,
  ],
  [
    "maxFileSize 513",
    withConfig({ fileUpload: { maxFileSize: 513 } }),
    "chatkitConfiguration.fileUpload.maxFileSize",
    /at most 512/,
  ],
  ["maxFiles 0", withConfig({ fileUpload: { maxFiles: 0 } }), "chatkitConfiguration.fileUpload.maxFiles", /at least 1/],
  [
    "maxFiles 2.5",
    withConfig({ fileUpload: { maxFiles: 2.5 } }),
    "chatkitConfiguration.fileUpload.maxFiles",
    /whole number/,
  ],
  [
    "snake_case max_file_size",
    withConfig({ fileUpload: { max_file_size: 10 } }),
    "chatkitConfiguration.fileUpload.max_file_size",
    /use maxFileSize/,
  ],
  [
    "recentThreads 0",
    withConfig({ history: { recentThreads: 0 } }),
    "chatkitConfiguration.history.recentThreads",
    /at least 1/,
  ],
  [
    "history enabled as 1",
    withConfig({ history: { enabled: 1 } }),
    "chatkitConfiguration.history.enabled",
    /must be a boolean/,
  ],
  [
    "a misspelt configuration key",
    withConfig({ fileUploads: {} }),
    "chatkitConfiguration.fileUploads",
    /did you mean fileUpload/,
  ],
  [
    "rate limit 0",
    { ...valid, rateLimits: { maxRequestsPer1Minute: 0 } },
    "rateLimits.maxRequestsPer1Minute",
    /at least 1/,
  ],
  [
    "a rate limit string",
    { ...valid, rateLimits: { maxRequestsPer1Minute: "10" } },
    "rateLimits.maxRequestsPer1Minute",
    /must be a number, got the string "10"/,
  ],
  [
    "scope (the seed page's example)",
    { ...valid, scope: { project: "alpha" } },
    "scope",
    /not a field .* scoped by user/,
  ],
  [
    "maxRequestsPerSession (the seed page's example)",
    { ...valid, maxRequestsPerSession: 500 },
    "maxRequestsPerSession",
    /rateLimits\.maxRequestsPer1Minute/,
  ],
  [
    "a top-level maxRequestsPer1Minute",
    { ...valid, maxRequestsPer1Minute: 60 },
    "maxRequestsPer1Minute",
    /belongs under rateLimits/,
  ],
  ["snake_case expires_after", { ...valid, expires_after: { seconds: 60 } }, "expires_after", /use expiresAfter/],
  ["a misspelt top-level key", { ...valid, chatkitConfig: {} }, "chatkitConfig", /did you mean chatkitConfiguration/],
  ["an unrelated key", { ...valid, colour: "blue" }, "colour", /properties here are user, workflow/],
  ["a negative renewBefore", { ...valid, renewBefore: -1 }, "renewBefore", /at least 0/],
  [
    "renewBefore as long as the lifetime",
    { ...valid, expiresAfter: 120, renewBefore: 120 },
    "renewBefore",
    /less than the session's lifetime \(120 s\)/,
  ],
  ["a numeric trigger", { ...valid, triggers: { run: 1 } }, "triggers.run", /must be a string/],
  ["rate limits as an array", { ...valid, rateLimits: [] }, "rateLimits", /must be an object, got an array/],
  [
    "a user with a lone surrogate",
    { ...valid, user: "ann\ud800" },
    "user",
    /valid Unicode text: it holds a lone surrogate/,
  ],
  ["a workflow id with a lone surrogate", withWorkflow({ id: "wf_\udc00" }), "workflow.id", /lone surrogate/],
  [
    "a state variable with a lone surrogate",
    withWorkflow({ stateVariables: { note: "x\ud83d" } }),
    "workflow.stateVariables.note",
    /lone surrogate/,
  ],
  [
    "a state variable key with a lone surrogate",
    withWorkflow({ stateVariables: { "k\ud800": 1 } }),
    'workflow.stateVariables["k\\ud800"]',
    /key must be valid Unicode/,
  ],
  ["a trigger with a lone surrogate", { ...valid, triggers: { run: "\udfff" } }, "triggers.run", /lone surrogate/],
  ["version Latest in another case", withWorkflow({ version: " Latest" }), "workflow.version", /must not be "latest"/],
];

describe("check: the catalogue of malformed inputs", () => {
  const ctx = useEmulator();

  it(`holds at least 40 cases (${CATALOGUE.length})`, () => {
    assert.ok(CATALOGUE.length >= 40);
  });

  for (const [what, inputs, property, rule] of CATALOGUE) {
    it(`refuses ${what}: ${property}`, async () => {
      const { failures } = validateInputs(inputs);
      const failure = failures.find((f) => f.property === property);
      assert.ok(failure, `no failure for ${property}; got ${JSON.stringify(failures.map((f) => f.property))}`);
      assert.match(failure.reason, rule);
      assert.ok(failure.reason.includes(property) || failure.reason.startsWith(property.split(".")[0] as string));
    });
  }

  it("fails check for every one of them without a network call (the engine then never calls create)", async () => {
    const lifecycle = new SessionProvider({ env: ctx.env });
    const before = ctx.emulator.requests.length;
    for (const [what, inputs] of CATALOGUE) {
      const checked = await lifecycle.check({}, inputs as Record<string, unknown>);
      assert.ok((checked.failures ?? []).length > 0, what);
    }
    assert.equal(ctx.emulator.requests.length, before);
  });

  it("create refuses inputs it cannot build a request from, before sending", async () => {
    const lifecycle = new SessionProvider({ env: ctx.env });
    const before = ctx.emulator.requests.length;
    await assert.rejects(lifecycle.create({ workflow: { id: "wf_1" } }), /user and workflow\.id must be strings/);
    await assert.rejects(lifecycle.create({ user: "u", workflow: "wf_1" }), /user and workflow\.id must be strings/);
    assert.equal(ctx.emulator.requests.length, before);
  });
});

describe("check: what passes", () => {
  it("accepts a complete valid input", () => {
    const { failures, inputs } = validateInputs({
      user: "u",
      workflow: { id: "wf_1", version: "2", stateVariables: manyVariables(64), tracing: { enabled: false } },
      chatkitConfiguration: {
        automaticThreadTitling: { enabled: false },
        fileUpload: { enabled: true, maxFileSize: 512, maxFiles: 1 },
        history: { enabled: true, recentThreads: 1 },
      },
      expiresAfter: { anchor: "created_at", seconds: 600 },
      rateLimits: { maxRequestsPer1Minute: 1 },
      renewBefore: 599,
      triggers: { a: "b" },
    });
    assert.deepEqual(failures, []);
    assert.equal(inputs?.expiresAfter?.seconds, 600);
  });

  it("counts lengths in code points, as the API does: 64 emoji make a 64-character key", () => {
    const key = "😀".repeat(64);
    assert.equal(key.length, 128);
    assert.deepEqual(validateInputs(withWorkflow({ stateVariables: { [key]: 1 } })).failures, []);
  });

  it("accepts a state variable of each primitive kind: a string, a number and a boolean", () => {
    assert.deepEqual(
      validateInputs(withWorkflow({ stateVariables: { plan: "pro", seats: 3, trial: false } })).failures,
      [],
    );
  });

  it("accepts the bare-number shorthand and an anchor left out", () => {
    assert.deepEqual(validateInputs({ ...valid, expiresAfter: 1 }).failures, []);
    assert.deepEqual(validateInputs({ ...valid, expiresAfter: { seconds: 600 } }).failures, []);
  });

  it("lets every value unknown during preview pass, at any depth", () => {
    for (const inputs of [
      { user: UNKNOWN, workflow: UNKNOWN },
      { ...valid, workflow: { id: "wf_1", stateVariables: UNKNOWN } },
      { ...valid, workflow: { id: "wf_1", stateVariables: { secret: UNKNOWN } } },
      { ...valid, chatkitConfiguration: { fileUpload: { maxFileSize: UNKNOWN } } },
      { ...valid, expiresAfter: UNKNOWN, renewBefore: UNKNOWN, triggers: UNKNOWN },
    ]) {
      assert.deepEqual(validateInputs(inputs).failures, [], JSON.stringify(inputs));
    }
  });

  it("still reports real problems next to unknown values", () => {
    const { failures } = validateInputs({ user: UNKNOWN, workflow: { id: "wf_1", version: "latest" } });
    assert.deepEqual(
      failures.map((f) => f.property),
      ["workflow.version"],
    );
  });

  it("checks the renewBefore-lifetime rule whenever both are known, whatever else is unknown or wrong", () => {
    const others = {
      user: UNKNOWN,
      workflow: UNKNOWN,
      chatkitConfiguration: UNKNOWN,
      rateLimits: UNKNOWN,
      triggers: UNKNOWN,
    };
    fc.assert(
      fc.property(
        fc.subarray(Object.keys(others)),
        fc.boolean(),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 0, max: 1200 }),
        (unknownKeys, shorthand, lifetime, renewBefore) => {
          const given: Record<string, unknown> = {
            ...valid,
            expiresAfter: shorthand ? lifetime : { seconds: lifetime },
            renewBefore,
          };
          for (const key of unknownKeys) given[key] = UNKNOWN;
          const failures = validateInputs(given).failures.map((f) => f.property);
          assert.deepEqual(failures, renewBefore >= lifetime ? ["renewBefore"] : []);
          // Next to a real failure elsewhere, it is still reported.
          const withFailure = validateInputs({ ...given, rateLimits: { maxRequestsPer1Minute: 0 } }).failures;
          assert.equal(
            withFailure.some((f) => f.property === "renewBefore"),
            renewBefore >= lifetime,
          );
        },
      ),
    );
    assert.deepEqual(
      validateInputs({ ...valid, user: UNKNOWN, renewBefore: 700 }).failures[0]?.reason,
      "renewBefore must be less than the session's lifetime (600 s), or every up would replace the session; got 700",
    );
    assert.deepEqual(validateInputs({ ...valid, expiresAfter: UNKNOWN, renewBefore: 700 }).failures, []);
    assert.deepEqual(validateInputs({ ...valid, expiresAfter: { seconds: UNKNOWN }, renewBefore: 700 }).failures, []);
  });

  it("ignores __provider", () => {
    assert.deepEqual(validateInputs({ ...valid, __provider: "exports.handler = …" }).failures, []);
  });

  it("formats paths as users write them", () => {
    assert.equal(formatPath(["workflow", "stateVariables", "tier"]), "workflow.stateVariables.tier");
    assert.equal(formatPath(["workflow", "stateVariables", "a key"]), 'workflow.stateVariables["a key"]');
    // A key is shown up to 4,096 characters, so that no message grows with what a caller sends.
    assert.equal(
      formatPath(["triggers", `${"-".repeat(5000)}`]),
      `triggers[${JSON.stringify(`${"-".repeat(4096)}… (truncated, 5000 characters in all)`)}]`,
    );
    assert.equal(
      formatPath(["k".repeat(5000)]),
      `[${JSON.stringify(`${"k".repeat(4096)}… (truncated, 5000 characters in all)`)}]`,
    );
  });
});

describe("check: failures never show a value that may be a secret", () => {
  // The provider sees secret inputs unwrapped and the CLI prints check failures as they are, so a
  // secret given in the wrong place must be described, never quoted.
  const places: Array<(value: unknown) => Record<string, unknown>> = [
    (value) => ({ user: value, workflow: { id: "wf_1" } }),
    (value) => ({ user: "u", workflow: { id: value } }),
    (value) => ({ user: "u", workflow: { id: "wf_1", version: value } }),
    (value) => ({ user: "u", workflow: { id: "wf_1", stateVariables: { token: [value] } } }),
    (value) => ({ user: "u", workflow: { id: "wf_1", tracing: value } }),
    (value) => ({ user: "u", workflow: { id: "wf_1" }, expiresAfter: value }),
    (value) => ({ user: "u", workflow: { id: "wf_1" }, expiresAfter: { seconds: value } }),
    (value) => ({ user: "u", workflow: { id: "wf_1" }, expiresAfter: { anchor: value, seconds: 60 } }),
    (value) => ({ user: "u", workflow: { id: "wf_1" }, renewBefore: value }),
    (value) => ({ user: "u", workflow: { id: "wf_1" }, triggers: { rotation: value } }),
    (value) => ({ user: "u", workflow: { id: "wf_1" }, triggers: value }),
    (value) => ({ user: "u", workflow: { id: "wf_1" }, rateLimits: { maxRequestsPer1Minute: value } }),
    (value) => ({ user: "u", workflow: { id: "wf_1" }, chatkitConfiguration: { history: { recentThreads: value } } }),
  ];

  it("describes a refused string or number by its kind, wherever it is given", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ minLength: 6 }).filter((text) => !/^\s*-?\d+(\.\d+)?\s*$/.test(text)),
          fc.integer({ min: 100_000 }).map((n) => ({ number: n })),
        ),
        fc.nat(places.length - 1),
        (secret, place) => {
          const value = typeof secret === "string" ? secret : secret.number;
          const shown = typeof secret === "string" ? secret : String(secret.number);
          const inputs = places[place]?.(value) ?? {};
          for (const failure of validateInputs(inputs).failures) {
            // A number where a number belongs may be quoted: it is what the user has to fix.
            if (typeof value === "number" && /at (most|least)|whole number|less than/.test(failure.reason)) continue;
            assert.ok(!failure.reason.includes(shown), `${failure.property}: ${failure.reason}`);
          }
        },
      ),
    );
  });

  it("still shows what the user must fix where a number belongs: a number in quotes, a number out of range", () => {
    const reasons = (inputs: Record<string, unknown>) => validateInputs(inputs).failures.map((f) => f.reason);
    assert.deepEqual(reasons({ user: "u", workflow: { id: "wf_1" }, renewBefore: "120" }), [
      'renewBefore must be a number, got the string "120"',
    ]);
    assert.deepEqual(reasons({ user: "u", workflow: { id: "wf_1" }, renewBefore: "sk-proj-abcdefghijklmnop1234" }), [
      "renewBefore must be a number, got a string of 28 characters",
    ]);
    assert.deepEqual(reasons({ user: "u", workflow: { id: "wf_1" }, triggers: { rotation: 98765432101234 } }), [
      "triggers.rotation must be a string, got a number",
    ]);
    assert.match(reasons({ user: "u", workflow: { id: "wf_1" }, expiresAfter: 900 })[0] ?? "", /got the number 900$/);
  });
});

describe("check: the exact wording of failures", () => {
  const failuresOf = (inputs: unknown) => validateInputs(inputs).failures;
  const keys = "user, workflow, chatkitConfiguration, expiresAfter, rateLimits, renewBefore, triggers";

  it("names the inputs themselves when they are not an object", () => {
    for (const [inputs, described] of [
      [null, "null"],
      [["wf_1"], "an array"],
      ["wf", "a string of 2 characters"],
    ] as const) {
      assert.deepEqual(failuresOf(inputs), [
        { property: "the inputs", reason: `the inputs must be an object, got ${described}` },
      ]);
    }
  });

  it("describes a value of any other kind by its kind: nothing, a boolean, a function, a bigint", () => {
    const rule = "must be a string, number or boolean (state variables are primitive)";
    assert.deepEqual(failuresOf(withWorkflow({ stateVariables: { gone: undefined, run: () => 1, big: 10n } })), [
      { property: "workflow.stateVariables.gone", reason: `workflow.stateVariables.gone ${rule}, got nothing` },
      { property: "workflow.stateVariables.run", reason: `workflow.stateVariables.run ${rule}, got a function` },
      { property: "workflow.stateVariables.big", reason: `workflow.stateVariables.big ${rule}, got a bigint` },
    ]);
    assert.deepEqual(failuresOf({ ...valid, user: true }), [
      { property: "user", reason: "user must be a string, got a boolean" },
    ]);
  });

  it("shows a number in quotes where a number belongs: up to 12 digits and 6 decimals", () => {
    for (const [given, described] of [
      ["1.25", 'the string "1.25"'],
      ["1.123456", 'the string "1.123456"'],
      ["1.1234567", "a string of 9 characters"],
      ["123456789012", 'the string "123456789012"'],
      ["1234567890123", "a string of 13 characters"],
    ]) {
      assert.deepEqual(failuresOf({ ...valid, renewBefore: given }), [
        { property: "renewBefore", reason: `renewBefore must be a number, got ${described}` },
      ]);
    }
  });

  it("suggests a known key within 3 edits, or one that the key (4 characters or more) begins", () => {
    const expected: [string, string][] = [
      ["userIds", "userIds is not known: did you mean user?"], // 3 edits from user
      ["userName", `userName is not known; the properties here are ${keys}`], // 4 edits from user
      ["expi", "expi is not known: did you mean expiresAfter?"], // 4 edits, but begins expiresAfter
      ["exp", `exp is not known; the properties here are ${keys}`], // too short to stand for a prefix
    ];
    for (const [key, reason] of expected) {
      assert.deepEqual(failuresOf({ ...valid, [key]: 1 }), [{ property: key, reason }]);
    }
  });

  it("explains a mistaken field of the API page only at the top level", () => {
    assert.match(failuresOf({ ...valid, scope: "x" })[0]?.reason ?? "", /^scope is not a field/);
    assert.deepEqual(failuresOf(withWorkflow({ scope: "x" })), [
      {
        property: "workflow.scope",
        reason: "workflow.scope is not known; the properties here are id, version, stateVariables, tracing",
      },
    ]);
  });

  it("gives the quoted-number hint for expiresAfter alone, with the number trimmed", () => {
    assert.deepEqual(failuresOf({ ...valid, expiresAfter: " 300 " }), [
      {
        property: "expiresAfter",
        reason:
          'expiresAfter must be a number of seconds, got the string " 300 ": write it without quotes (expiresAfter: 300 is shorthand for { anchor: "created_at", seconds: 300 }), or as { seconds: 300 }',
      },
    ]);
    assert.match(failuresOf({ ...valid, expiresAfter: "1.25" })[0]?.reason ?? "", /\(expiresAfter: 1\.25 is shorthand/);
    // Up to 12 digits and 6 decimals, as wherever a number in quotes is shown: a longer one is described.
    assert.match(failuresOf({ ...valid, expiresAfter: "123456789012.123456" })[0]?.reason ?? "", /shorthand/);
    for (const given of ["x600", "600x", "6 00", "-600", "1234567890123", "1.1234567"]) {
      assert.deepEqual(failuresOf({ ...valid, expiresAfter: given }), [
        {
          property: "expiresAfter",
          reason: `expiresAfter must be an object, got a string of ${given.length} characters`,
        },
      ]);
    }
    assert.deepEqual(failuresOf({ ...valid, workflow: "123" }), [
      { property: "workflow", reason: "workflow must be an object, got a string of 3 characters" },
    ]);
  });

  it("says a session never lives longer than 10 minutes for expiresAfter.seconds alone", () => {
    assert.deepEqual(failuresOf({ ...valid, expiresAfter: { seconds: 601 } }), [
      {
        property: "expiresAfter.seconds",
        reason:
          "expiresAfter.seconds must be at most 600 (a session never lives longer than 10 minutes), got the number 601",
      },
    ]);
    assert.deepEqual(failuresOf(withConfig({ fileUpload: { maxFileSize: 513 } })), [
      {
        property: "chatkitConfiguration.fileUpload.maxFileSize",
        reason: "chatkitConfiguration.fileUpload.maxFileSize must be at most 512, got the number 513",
      },
    ]);
  });

  it("checks renewBefore against the lifetime only when both are whole numbers in their ranges", () => {
    const inRange = (value: unknown, min: number, max: number) =>
      Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
    const wrongNumber = fc.oneof(
      fc.integer({ max: 0 }),
      fc.integer({ min: 601 }),
      fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true }),
      fc.constant(2 ** 60),
      fc.integer({ min: 0, max: 1200 }).map(String),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 1200 }), wrongNumber),
        fc.oneof(fc.integer({ min: 1, max: 600 }), wrongNumber),
        (renewBefore, lifetime) => {
          const failures = failuresOf({ ...valid, expiresAfter: { seconds: lifetime }, renewBefore });
          const crossField = failures.some((f) => f.reason.includes("less than the session's lifetime"));
          const checked = inRange(renewBefore, 0, Number.MAX_SAFE_INTEGER) && inRange(lifetime, 1, 600);
          assert.equal(crossField, checked && (renewBefore as number) >= (lifetime as number));
        },
      ),
      {
        examples: [
          [700.5, 600], // renewBefore not whole, past the lifetime
          ["700", 600], // renewBefore in quotes
          [2 ** 60, 600], // renewBefore past the safe integers
          [0, 0], // the lifetime below 1
          [600, 601], // the lifetime above 600
          [1, 0.5], // the lifetime not whole
        ],
      },
    );
  });
});

/** An object with an own key named __proto__, as JSON.parse makes one. */
const withProtoKey = (rest: Record<string, string> = {}) => ({ ...JSON.parse('{"__proto__":"1"}'), ...rest });

describe("check refuses a __proto__ key for direct callers too", () => {
  it("names the property, the rule and the key", async () => {
    const provider = new SessionProvider({ env: {} });
    const { failures } = await provider.check(
      {},
      { user: "u", workflow: { id: "wf_1", stateVariables: withProtoKey() }, triggers: withProtoKey({ run: "1" }) },
    );
    assert.deepEqual(failures, [
      {
        property: "triggers.__proto__",
        reason:
          'triggers must not have the key "__proto__": Pulumi drops it without a word when it sends the inputs to the provider, so the trigger would never be recorded, and changing it would never replace the session; rename the key',
      },
      {
        property: "workflow.stateVariables.__proto__",
        reason:
          'workflow.stateVariables must not have the key "__proto__": Pulumi drops it without a word when it sends the inputs to the provider, so the variable would never be sent to the workflow; rename the key',
      },
    ]);
  });
});
