import * as assert from "node:assert/strict";
import { MissingApiKeyError, readStackSettings, resolveSettings, SETTING_DEFAULTS } from "../../provider/settings";

const reader = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

describe("settings", () => {
  it("reads the chatkit: stack config keys", () => {
    const stack = readStackSettings(
      reader({
        "chatkit:apiKey": "sk-a",
        "chatkit:baseUrl": "http://x/v1",
        "chatkit:organization": "org_1",
        "chatkit:project": "proj_1",
        "chatkit:timeoutSeconds": "5",
        "chatkit:maxRetries": "0",
        "chatkit:retryBudgetSeconds": "30",
      }),
    );
    assert.deepEqual(stack, {
      apiKey: "sk-a",
      baseUrl: "http://x/v1",
      organization: "org_1",
      project: "proj_1",
      timeoutSeconds: 5,
      maxRetries: 0,
      retryBudgetSeconds: 30,
    });
  });

  it("refuses a timeout that is not a positive number, naming the key", () => {
    assert.throws(
      () => readStackSettings(reader({ "chatkit:timeoutSeconds": "soon" })),
      /Stack config chatkit:timeoutSeconds must be a number above 0 to 3600 \(seconds per attempt\), got "soon"/,
    );
  });

  it("refuses a key with whitespace, a line break or a zero-width character, naming the setting, never the key", () => {
    const key = "sk-proj-abcdefgh12345678";
    const cases: [string, RegExp][] = [
      [`${key}\n`, /a line break/],
      [`${key.slice(0, 10)} ${key.slice(10)}`, /whitespace/],
      [`${key.slice(0, 10)}\u200b${key.slice(10)}`, /a zero-width or invisible character \(U\+200B\)/],
      [`\ufeff${key}`, /a zero-width or invisible character \(U\+FEFF\)/],
      [`${key}\u00e9`, /outside printable ASCII/],
    ];
    for (const [value, problem] of cases) {
      const error = (() => {
        try {
          readStackSettings(reader({ "chatkit:apiKey": value }));
        } catch (caught) {
          return caught as Error;
        }
        assert.fail(`accepted ${JSON.stringify(value)}`);
      })();
      assert.match(error.message, /^The API key \(from stack config chatkit:apiKey\) holds /);
      assert.match(error.message, problem);
      assert.doesNotMatch(error.message, /abcdefgh|12345678/);
    }
    assert.throws(
      () => readStackSettings(reader({ "chatkit:project": "proj 1" })),
      /The project \(from stack config chatkit:project\) holds whitespace/,
    );
    assert.throws(
      () => resolveSettings({}, { OPENAI_API_KEY: "sk-a b" }),
      /from environment variable OPENAI_API_KEY\) holds whitespace/,
    );
  });

  it("refuses numbers outside what can work: timers, retries and budgets", () => {
    const refused: [string, string, RegExp][] = [
      ["timeoutSeconds", "3000000", /chatkit:timeoutSeconds must be a number above 0 to 3600/],
      ["timeoutSeconds", "0", /chatkit:timeoutSeconds/],
      ["timeoutSeconds", "Infinity", /chatkit:timeoutSeconds/],
      ["maxRetries", "2.5", /chatkit:maxRetries must be a whole number from 0 to 100/],
      ["maxRetries", "-1", /chatkit:maxRetries/],
      ["maxRetries", "1e9", /chatkit:maxRetries/],
      ["retryBudgetSeconds", "86400", /chatkit:retryBudgetSeconds must be a number above 0 to 3600/],
      ["retryBudgetSeconds", "30s", /got "30s"/],
    ];
    for (const [key, value, message] of refused) {
      assert.throws(() => readStackSettings(reader({ [`chatkit:${key}`]: value })), message, `${key}=${value}`);
    }
    assert.throws(
      () => readStackSettings(reader({ "chatkit:baseUrl": "api.openai.com/v1" })),
      /chatkit:baseUrl must be an http or https URL/,
    );
  });

  it("lets stack config win over the environment, which is the fallback", () => {
    const env = {
      OPENAI_API_KEY: "sk-env",
      OPENAI_BASE_URL: "http://env/v1",
      OPENAI_ORG_ID: "org_env",
      OPENAI_PROJECT_ID: "proj_env",
    };
    const fromEnv = resolveSettings({}, env);
    assert.equal(fromEnv.apiKey, "sk-env");
    assert.equal(fromEnv.apiKeySource, "environment variable OPENAI_API_KEY");
    assert.equal(fromEnv.organization, "org_env");
    assert.equal(fromEnv.project, "proj_env");
    const fromStack = resolveSettings({ apiKey: "sk-stack", baseUrl: "http://stack/v1", project: "proj_stack" }, env);
    assert.equal(fromStack.apiKey, "sk-stack");
    assert.equal(fromStack.apiKeySource, "stack config chatkit:apiKey");
    assert.equal(fromStack.baseURL, "http://stack/v1");
    assert.equal(fromStack.project, "proj_stack");
  });

  it("uses provider-sized timeouts and retries by default, not the SDK's ten minutes", () => {
    const settings = resolveSettings({}, { OPENAI_API_KEY: "sk-x" });
    assert.equal(settings.baseURL, "https://api.openai.com/v1");
    assert.equal(settings.timeoutMs, SETTING_DEFAULTS.timeoutSeconds * 1000);
    assert.ok(settings.timeoutMs <= 60_000);
    assert.equal(settings.maxRetries, 4);
  });

  it("says where to set a key when none is found", () => {
    assert.throws(() => resolveSettings({}, {}), MissingApiKeyError);
    assert.throws(() => resolveSettings({}, { OPENAI_API_KEY: "" }), /chatkit:apiKey/);
  });
});
