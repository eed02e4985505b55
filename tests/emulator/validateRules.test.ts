import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import type { ApiErrorBody } from "../../emulator/errors";
import { validateCreateBody } from "../../emulator/validate";

/**
 * Every rule of the create body (FIDELITY.md, "Create: validation"), with the whole error a client
 * reads: message, type, param and code. The messages are what a user sees in the SDK's exception.
 */

const base = () => ({ user: "u", workflow: { id: "wf_1" } as Record<string, unknown> });
const error = (message: string, param: string, code: string): ApiErrorBody => ({
  message,
  type: "invalid_request_error",
  param,
  code,
});
const typeError = (param: string, expected: string, got: string) =>
  error(`Invalid type for '${param}': expected ${expected}, but got ${got} instead.`, param, "invalid_type");

describe("the emulator's validation of a create body, rule by rule", () => {
  const cases: [string, unknown, ApiErrorBody][] = [
    ["a body that is an array", [], typeError("body", "an object", "an array")],
    ["a body that is null", null, typeError("body", "an object", "null")],
    ["a body that is a string", "x", typeError("body", "an object", "a string")],
    [
      "a missing user",
      { workflow: { id: "wf_1" } },
      error("Missing required parameter: 'user'.", "user", "missing_required_parameter"),
    ],
    [
      "a missing workflow",
      { user: "u" },
      error("Missing required parameter: 'workflow'.", "workflow", "missing_required_parameter"),
    ],
    [
      "a missing workflow id",
      { user: "u", workflow: {} },
      error("Missing required parameter: 'workflow.id'.", "workflow.id", "missing_required_parameter"),
    ],
    ["a number user", { ...base(), user: 5 }, typeError("user", "a string", "an integer")],
    ["a decimal user", { ...base(), user: 1.5 }, typeError("user", "a string", "a decimal number")],
    ["a boolean user", { ...base(), user: true }, typeError("user", "a string", "a boolean")],
    ["an object user", { ...base(), user: {} }, typeError("user", "a string", "an object")],
    ["a null user", { ...base(), user: null }, typeError("user", "a string", "null")],
    [
      "an empty user",
      { ...base(), user: "" },
      error(
        "Invalid 'user': empty string. Expected a string with minimum length 1, but got an empty string instead.",
        "user",
        "empty_string",
      ),
    ],
    ["a workflow that is a string", { user: "u", workflow: "wf_1" }, typeError("workflow", "an object", "a string")],
    ["a workflow that is null", { user: "u", workflow: null }, typeError("workflow", "an object", "null")],
    ["a number workflow id", { user: "u", workflow: { id: 1 } }, typeError("workflow.id", "a string", "an integer")],
    [
      "a number version",
      { user: "u", workflow: { id: "wf_1", version: 7 } },
      typeError("workflow.version", "a string", "an integer"),
    ],
    [
      "a string tracing flag",
      { user: "u", workflow: { id: "wf_1", tracing: { enabled: "yes" } } },
      typeError("workflow.tracing.enabled", "a boolean", "a string"),
    ],
    [
      "an unknown key in tracing",
      { user: "u", workflow: { id: "wf_1", tracing: { on: true } } },
      error("Unknown parameter: 'workflow.tracing.on'.", "workflow.tracing.on", "unknown_parameter"),
    ],
    [
      "an unknown top-level key",
      { ...base(), scope: {} },
      error("Unknown parameter: 'scope'.", "scope", "unknown_parameter"),
    ],
    [
      "state variables that are an array",
      { user: "u", workflow: { id: "wf_1", state_variables: [] } },
      typeError("workflow.state_variables", "an object", "an array"),
    ],
    [
      "state variables that are null",
      { user: "u", workflow: { id: "wf_1", state_variables: null } },
      typeError("workflow.state_variables", "an object", "null"),
    ],
    [
      "a null state variable",
      { user: "u", workflow: { id: "wf_1", state_variables: { a: null } } },
      typeError("workflow.state_variables.a", "a string, number or boolean", "null"),
    ],
    [
      "an array state variable",
      { user: "u", workflow: { id: "wf_1", state_variables: { a: [1] } } },
      typeError("workflow.state_variables.a", "a string, number or boolean", "an array"),
    ],
    [
      "an infinite state variable",
      { user: "u", workflow: { id: "wf_1", state_variables: { a: Number.POSITIVE_INFINITY } } },
      typeError("workflow.state_variables.a", "a string, number or boolean", "a decimal number"),
    ],
    [
      "65 state variables",
      {
        user: "u",
        workflow: {
          id: "wf_1",
          state_variables: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])),
        },
      },
      error(
        "Invalid 'workflow.state_variables': too many properties. Expected an object with at most 64 properties, but got 65 instead.",
        "workflow.state_variables",
        "object_above_max_properties",
      ),
    ],
    [
      "a 65-character state variable key",
      { user: "u", workflow: { id: "wf_1", state_variables: { ["k".repeat(65)]: 1 } } },
      error(
        "Invalid 'workflow.state_variables': key too long. Expected keys of at most 64 characters, but got a key with length 65 instead.",
        "workflow.state_variables",
        "string_above_max_length",
      ),
    ],
    [
      "a state variable string above 10,485,760 characters",
      { user: "u", workflow: { id: "wf_1", state_variables: { big: "x".repeat(10485761) } } },
      error(
        "Invalid 'workflow.state_variables.big': string too long. Expected a string with maximum length 10485760, but got a string with length 10485761 instead.",
        "workflow.state_variables.big",
        "string_above_max_length",
      ),
    ],
    [
      "a bare-number expires_after",
      { ...base(), expires_after: 1800 },
      typeError("expires_after", "an object", "an integer"),
    ],
    [
      "expires_after without seconds",
      { ...base(), expires_after: { anchor: "created_at" } },
      error(
        "Missing required parameter: 'expires_after.seconds'.",
        "expires_after.seconds",
        "missing_required_parameter",
      ),
    ],
    [
      "expires_after without an anchor",
      { ...base(), expires_after: { seconds: 60 } },
      error(
        "Missing required parameter: 'expires_after.anchor'.",
        "expires_after.anchor",
        "missing_required_parameter",
      ),
    ],
    [
      "a wrong anchor",
      { ...base(), expires_after: { anchor: "now", seconds: 60 } },
      error("Invalid value: \"now\". Supported values are: 'created_at'.", "expires_after.anchor", "invalid_value"),
    ],
    [
      "a number anchor",
      { ...base(), expires_after: { anchor: 1, seconds: 60 } },
      error("Invalid value: 1. Supported values are: 'created_at'.", "expires_after.anchor", "invalid_value"),
    ],
    [
      "string seconds",
      { ...base(), expires_after: { anchor: "created_at", seconds: "60" } },
      typeError("expires_after.seconds", "an integer", "a string"),
    ],
    [
      "decimal seconds",
      { ...base(), expires_after: { anchor: "created_at", seconds: 60.5 } },
      typeError("expires_after.seconds", "an integer", "a decimal number"),
    ],
    [
      "zero seconds",
      { ...base(), expires_after: { anchor: "created_at", seconds: 0 } },
      error(
        "Invalid 'expires_after.seconds': integer below minimum value. Expected a value greater than or equal to 1, but got 0 instead.",
        "expires_after.seconds",
        "integer_below_min_value",
      ),
    ],
    [
      "601 seconds",
      { ...base(), expires_after: { anchor: "created_at", seconds: 601 } },
      error(
        "Invalid 'expires_after.seconds': integer above maximum value. Expected a value less than or equal to 600, but got 601 instead.",
        "expires_after.seconds",
        "integer_above_max_value",
      ),
    ],
    [
      "an unknown key in rate_limits",
      { ...base(), rate_limits: { per_minute: 5 } },
      error("Unknown parameter: 'rate_limits.per_minute'.", "rate_limits.per_minute", "unknown_parameter"),
    ],
    [
      "a string in file_upload.enabled",
      { ...base(), chatkit_configuration: { file_upload: { enabled: "true" } } },
      typeError("chatkit_configuration.file_upload.enabled", "a boolean", "a string"),
    ],
    [
      "a string in history.enabled",
      { ...base(), chatkit_configuration: { history: { enabled: "no" } } },
      typeError("chatkit_configuration.history.enabled", "a boolean", "a string"),
    ],
    [
      "a number in automatic_thread_titling.enabled",
      { ...base(), chatkit_configuration: { automatic_thread_titling: { enabled: 0 } } },
      typeError("chatkit_configuration.automatic_thread_titling.enabled", "a boolean", "an integer"),
    ],
    [
      "chatkit_configuration as an array",
      { ...base(), chatkit_configuration: [] },
      typeError("chatkit_configuration", "an object", "an array"),
    ],
  ];
  for (const [name, body, expected] of cases) {
    it(`refuses ${name}`, () => assert.deepEqual(validateCreateBody(body), expected));
  }

  it("reports the first problem in the order of the body's rules: unknown keys, then missing ones, then each value", () => {
    assert.equal(validateCreateBody({ extra: 1 })?.code, "unknown_parameter");
    assert.equal(validateCreateBody({ user: 5 })?.param, "workflow");
    assert.equal(validateCreateBody({ user: 5, workflow: { id: 1 } })?.param, "user");
  });

  it("judges a body as the JSON it becomes: a field set to undefined is a field left out", () => {
    assert.deepEqual(
      validateCreateBody({ user: undefined, workflow: { id: "wf_1" } }),
      error("Missing required parameter: 'user'.", "user", "missing_required_parameter"),
    );
    assert.equal(validateCreateBody({ user: "u", workflow: { id: "wf_1", version: undefined } }), undefined);
    assert.equal(
      validateCreateBody({
        user: "u",
        workflow: { id: "wf_1" },
        expires_after: { anchor: "created_at", seconds: undefined },
      })?.code,
      "missing_required_parameter",
    );
  });

  /** An integer field's range, for every integer: accepted inside it, the right code outside. */
  const ranges: [string, (value: number) => Record<string, unknown>, number, number | undefined][] = [
    ["expires_after.seconds", (seconds) => ({ expires_after: { anchor: "created_at", seconds } }), 1, 600],
    ["rate_limits.max_requests_per_1_minute", (n) => ({ rate_limits: { max_requests_per_1_minute: n } }), 1, undefined],
    [
      "chatkit_configuration.file_upload.max_file_size",
      (n) => ({ chatkit_configuration: { file_upload: { max_file_size: n } } }),
      1,
      512,
    ],
    [
      "chatkit_configuration.file_upload.max_files",
      (n) => ({ chatkit_configuration: { file_upload: { max_files: n } } }),
      1,
      undefined,
    ],
    [
      "chatkit_configuration.history.recent_threads",
      (n) => ({ chatkit_configuration: { history: { recent_threads: n } } }),
      1,
      undefined,
    ],
  ];
  for (const [param, put, minimum, maximum] of ranges) {
    it(`accepts ${param} from ${minimum} to ${maximum ?? "any size"}, and names the bound it breaks`, () => {
      const near = (bound: number) => fc.integer({ min: bound - 3, max: bound + 3 });
      const values = fc.oneof(
        near(minimum),
        ...(maximum === undefined ? [] : [near(maximum)]),
        fc.integer({ min: -1e6, max: 1e6 }),
      );
      fc.assert(
        fc.property(values, (value) => {
          const problem = validateCreateBody({ ...base(), ...put(value) });
          if (value < minimum) {
            assert.deepEqual(
              problem,
              error(
                `Invalid '${param}': integer below minimum value. Expected a value greater than or equal to ${minimum}, but got ${value} instead.`,
                param,
                "integer_below_min_value",
              ),
            );
          } else if (maximum !== undefined && value > maximum) {
            assert.deepEqual(
              problem,
              error(
                `Invalid '${param}': integer above maximum value. Expected a value less than or equal to ${maximum}, but got ${value} instead.`,
                param,
                "integer_above_max_value",
              ),
            );
          } else {
            assert.equal(problem, undefined);
          }
        }),
        {
          examples: [[minimum - 1], [minimum], ...(maximum === undefined ? [] : [[maximum], [maximum + 1]])] as [
            number,
          ][],
        },
      );
    });
  }

  it("accepts up to 64 state variables with keys of up to 64 characters, and no more", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 1, max: 70 }), (count, keyLength) => {
        const state = Object.fromEntries(
          Array.from({ length: count }, (_, i) => [String(i).padStart(keyLength, "k"), i % 2 ? "text" : i]),
        );
        const problem = validateCreateBody({ user: "u", workflow: { id: "wf_1", state_variables: state } });
        if (count > 64) assert.equal(problem?.code, "object_above_max_properties");
        else if (count > 0 && keyLength > 64) assert.equal(problem?.code, "string_above_max_length");
        else assert.equal(problem, undefined);
      }),
      {
        examples: [
          [64, 64],
          [65, 1],
          [1, 65],
          [0, 65],
        ],
      },
    );
  });

  it("accepts a state variable string of exactly 10,485,760 characters", () => {
    const state_variables = { big: "x".repeat(10485760) };
    assert.equal(validateCreateBody({ user: "u", workflow: { id: "wf_1", state_variables } }), undefined);
  });

  /** Any body the schema allows, with every optional part present or not. */
  const validBody = fc.record(
    {
      user: fc.string({ minLength: 1 }),
      workflow: fc.record(
        {
          id: fc.string(),
          version: fc.string(),
          state_variables: fc.dictionary(
            fc.string({ maxLength: 64 }).filter((key) => key !== "__proto__"),
            fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean()),
            { maxKeys: 64 },
          ),
          tracing: fc.record({ enabled: fc.boolean() }, { requiredKeys: [] }),
        },
        { requiredKeys: ["id"] },
      ),
      expires_after: fc.record({ anchor: fc.constant("created_at"), seconds: fc.integer({ min: 1, max: 600 }) }),
      rate_limits: fc.record({ max_requests_per_1_minute: fc.integer({ min: 1 }) }, { requiredKeys: [] }),
      chatkit_configuration: fc.record(
        {
          automatic_thread_titling: fc.record({ enabled: fc.boolean() }, { requiredKeys: [] }),
          file_upload: fc.record(
            {
              enabled: fc.boolean(),
              max_file_size: fc.integer({ min: 1, max: 512 }),
              max_files: fc.integer({ min: 1 }),
            },
            { requiredKeys: [] },
          ),
          history: fc.record({ enabled: fc.boolean(), recent_threads: fc.integer({ min: 1 }) }, { requiredKeys: [] }),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ["user", "workflow"] },
  );

  it("accepts every body the schema allows", () => {
    fc.assert(fc.property(validBody, (body) => assert.equal(validateCreateBody(body), undefined)));
  });

  it("refuses a valid body with any one value replaced by one of another type, naming that value", () => {
    const leaves = (value: unknown, path: string[]): string[][] =>
      value !== null && typeof value === "object"
        ? Object.entries(value).flatMap(([key, child]) => leaves(child, [...path, key]))
        : [path];
    fc.assert(
      fc.property(validBody, fc.nat(), fc.constantFrom<unknown>(null, [], {}, 2.5), (body, pick, wrong) => {
        const paths = leaves(body, []).filter((path) => path[1] !== "state_variables");
        const path = paths[pick % paths.length] as string[];
        const copy = structuredClone(body) as any;
        let target = copy;
        for (const key of path.slice(0, -1)) target = target[key];
        target[path.at(-1) as string] = wrong;
        const problem = validateCreateBody(copy);
        const param = path.join(".");
        assert.equal(problem?.param, param);
        assert.ok(problem?.code === "invalid_type" || problem?.code === "invalid_value", JSON.stringify(problem));
      }),
    );
  });
});
