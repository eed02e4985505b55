import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import {
  MissingApiKeyError,
  readStackSettings,
  resolveSettings,
  SETTING_DEFAULTS,
  SETTING_VARIABLES,
  SETTINGS,
} from "../../provider/settings";

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
      // Number() reads these as 16, 3, 1000 and a nanosecond; nobody means them as seconds.
      ["timeoutSeconds", "0x10", /chatkit:timeoutSeconds must be a number above 0 to 3600/],
      ["maxRetries", "0b11", /chatkit:maxRetries must be a whole number from 0 to 100/],
      ["retryBudgetSeconds", "1e3", /chatkit:retryBudgetSeconds/],
      ["timeoutSeconds", "1e-9", /chatkit:timeoutSeconds/],
      ["timeoutSeconds", "  ", /chatkit:timeoutSeconds/],
      ["maxRetries", "+2", /chatkit:maxRetries/],
    ];
    for (const [key, value, message] of refused) {
      assert.throws(() => readStackSettings(reader({ [`chatkit:${key}`]: value })), message, `${key}=${value}`);
    }
    assert.throws(
      () => readStackSettings(reader({ "chatkit:baseUrl": "api.openai.com/v1" })),
      /chatkit:baseUrl must be an http or https URL/,
    );
  });

  it("refuses a chatkit:* key that misspells a setting, which would otherwise fall back to the environment", () => {
    const host = (values: Record<string, string>) => ({ rawConfig: values, get: (key: string) => values[key] });
    for (const [key, meant] of [
      ["chatkit:apikey", "chatkit:apiKey"],
      ["chatkit:api_key", "chatkit:apiKey"],
      ["chatkit:baseURL", "chatkit:baseUrl"],
      ["chatkit:timeout", "chatkit:timeoutSeconds"],
      ["chatkit:projectId", "chatkit:project"],
    ] as const) {
      assert.throws(
        () => readStackSettings(host({ [key]: "sk-secret-value-123" })),
        (error: Error) =>
          error.message.includes(`${key} is not a setting of this provider: did you mean ${meant}?`) &&
          !error.message.includes("secret-value"),
        key,
      );
    }
    assert.deepEqual(
      readStackSettings(host({ "chatkit:workflowId": "wf_1", "chatkit:apiKey": "sk-a" })).apiKey,
      "sk-a",
    );
    // Another namespace's keys are the program's own, whatever they look like.
    assert.equal(readStackSettings(host({ "website:apikey": "x", "website:baseURL": "y" })).apiKey, undefined);
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

  it("checks an environment variable only where no stack value overrides it", () => {
    const stack = readStackSettings(
      reader({
        "chatkit:apiKey": "sk-stack-0123",
        "chatkit:baseUrl": "http://stack.test/v1",
        "chatkit:organization": "org_stack",
        "chatkit:project": "proj_stack",
      }),
    );
    const unusable = {
      OPENAI_API_KEY: "sk bad",
      OPENAI_BASE_URL: "not a url",
      OPENAI_ORG_ID: "org bad",
      OPENAI_PROJECT_ID: "proj bad",
    };
    const settings = resolveSettings(stack, unusable);
    assert.deepEqual(
      [settings.apiKey, settings.baseURL, settings.organization, settings.project],
      ["sk-stack-0123", "http://stack.test/v1", "org_stack", "proj_stack"],
    );
  });

  it("declares each setting once: its environment variable, default and description", () => {
    assert.deepEqual(SETTING_VARIABLES, ["OPENAI_API_KEY", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_BASE_URL"]);
    for (const [name, setting] of Object.entries(SETTINGS)) assert.match(setting.doc, /^[A-Z].*\.$/, name);
    assert.equal(SETTING_DEFAULTS.baseURL, SETTINGS.baseUrl.default);
  });

  it("uses provider-sized timeouts and retries by default, not the SDK's ten minutes", () => {
    const settings = resolveSettings({}, { OPENAI_API_KEY: "sk-x" });
    assert.equal(settings.baseURL, "https://api.openai.com/v1");
    assert.equal(settings.timeoutMs, SETTING_DEFAULTS.timeoutSeconds * 1000);
    assert.ok(settings.timeoutMs <= 60_000);
    assert.equal(settings.maxRetries, 4);
  });

  it("says where to set a key when none is found", () => {
    assert.throws(() => resolveSettings({}, {}), { name: "MissingApiKeyError", constructor: MissingApiKeyError });
    assert.throws(() => resolveSettings({}, { OPENAI_API_KEY: "" }), /chatkit:apiKey/);
  });

  it("resolves again whenever a variable it reads changes, even on the same env object", () => {
    const names = ["OPENAI_API_KEY", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_BASE_URL"] as const;
    const values = [undefined, "", "sk-one-0123456789", "sk-two-0123456789", "org_1", "proj 1", "http://x/v1", "x/v1"];
    const outcome = (resolve: () => unknown) => {
      try {
        return resolve();
      } catch (error) {
        return (error as Error).message;
      }
    };
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...names), fc.constantFrom(...values)), { maxLength: 12 }),
        fc.constantFrom<Record<string, string>>({}, { apiKey: "sk-stack-0123456789" }, { baseUrl: "http://stack/v1" }),
        (steps, stack) => {
          const env: NodeJS.ProcessEnv = {};
          outcome(() => resolveSettings(stack, env));
          for (const [name, value] of steps) {
            if (value === undefined) delete env[name];
            else env[name] = value;
            // The same stack object and env object as the call before, then a copy of each: the
            // answers must match, so nothing from before the change was kept.
            assert.deepEqual(
              outcome(() => resolveSettings(stack, env)),
              outcome(() => resolveSettings({ ...stack }, { ...env })),
            );
            outcome(() => resolveSettings(stack, env));
          }
        },
      ),
    );
  });
});

describe("settings: what a user sets, at the edges", () => {
  const KEYS = ["apiKey", "baseUrl", "organization", "project", "timeoutSeconds", "maxRetries", "retryBudgetSeconds"];

  it("reads every chatkit: key set to the empty string as unset, so the environment still applies", () => {
    const stack = readStackSettings(reader(Object.fromEntries(KEYS.map((key) => [`chatkit:${key}`, ""]))));
    assert.deepEqual(
      Object.values(stack).filter((value) => value !== undefined),
      [],
    );
    const env = {
      OPENAI_API_KEY: "sk-env",
      OPENAI_BASE_URL: "http://env/v1",
      OPENAI_ORG_ID: "org_env",
      OPENAI_PROJECT_ID: "proj_env",
    };
    assert.deepEqual(resolveSettings(stack, env), {
      apiKey: "sk-env",
      apiKeySource: "environment variable OPENAI_API_KEY",
      baseURL: "http://env/v1",
      organization: "org_env",
      project: "proj_env",
      timeoutMs: 30_000,
      maxRetries: 4,
      retryBudgetMs: 90_000,
    });
  });

  it("reads an empty environment variable as unset too", () => {
    const settings = resolveSettings(
      {},
      { OPENAI_API_KEY: "sk-x", OPENAI_BASE_URL: "", OPENAI_ORG_ID: "", OPENAI_PROJECT_ID: "" },
    );
    assert.equal(settings.baseURL, "https://api.openai.com/v1");
    assert.equal(settings.organization, undefined);
    assert.equal(settings.project, undefined);
  });

  it("turns the seconds set into the timeout and budget used, and keeps the retries set", () => {
    const stack = readStackSettings(
      reader({ "chatkit:timeoutSeconds": " 2.5 ", "chatkit:maxRetries": "7", "chatkit:retryBudgetSeconds": "12" }),
    );
    const settings = resolveSettings(stack, { OPENAI_API_KEY: "sk-x" });
    assert.equal(settings.timeoutMs, 2500);
    assert.equal(settings.maxRetries, 7);
    assert.equal(settings.retryBudgetMs, 12_000);
  });

  it("accepts the limits themselves, and refuses just past them", () => {
    const accepted: [string, string, number][] = [
      ["timeoutSeconds", "3600", 3600],
      ["timeoutSeconds", "0.001", 0.001],
      ["maxRetries", "0", 0],
      ["maxRetries", "100", 100],
      ["retryBudgetSeconds", "3600", 3600],
    ];
    for (const [key, value, read] of accepted) {
      const stack = readStackSettings(reader({ [`chatkit:${key}`]: value })) as Record<string, unknown>;
      assert.equal(stack[key], read, `${key}=${value}`);
    }
    const refused: [string, string, RegExp][] = [
      ["timeoutSeconds", "3600.5", /chatkit:timeoutSeconds must be a number above 0 to 3600 \(seconds per attempt\)/],
      ["timeoutSeconds", "-1", /chatkit:timeoutSeconds/],
      [
        "maxRetries",
        "101",
        /chatkit:maxRetries must be a whole number from 0 to 100 \(retries after the first attempt\)/,
      ],
      [
        "maxRetries",
        "   ",
        /chatkit:maxRetries must be a whole number from 0 to 100 \(retries after the first attempt\), got " {3}"/,
      ],
      [
        "retryBudgetSeconds",
        "0",
        /chatkit:retryBudgetSeconds must be a number above 0 to 3600 \(seconds for all attempts and waits of one operation\), got "0"/,
      ],
      ["retryBudgetSeconds", "3601", /chatkit:retryBudgetSeconds/],
    ];
    for (const [key, value, message] of refused) {
      assert.throws(() => readStackSettings(reader({ [`chatkit:${key}`]: value })), message, `${key}=${value}`);
    }
  });

  it("names each kind of character a header cannot carry, with its code point", () => {
    const cases: [string, RegExp][] = [
      ["org\r", /holds a line break/],
      ["org\u0001x", /holds a control character/],
      ["org\u007f", /holds a control character/],
      ["org\u00ad", /holds a zero-width or invisible character \(U\+00AD\)/],
      ["org\u2060", /holds a zero-width or invisible character \(U\+2060\)/],
      ["org\tx", /holds whitespace/],
      ["orgé", /holds a character outside printable ASCII \(U\+00E9\)/],
      ["org\u{1f600}", /outside printable ASCII \(U\+1F600\)/],
    ];
    for (const [value, problem] of cases) {
      assert.throws(
        () => readStackSettings(reader({ "chatkit:organization": value })),
        (error: Error) =>
          /^The organization \(from stack config chatkit:organization\) holds .*cannot be sent in an HTTP header; set it again without it \(the value is not shown here\)\.$/.test(
            error.message,
          ) && problem.test(error.message),
        JSON.stringify(value),
      );
    }
    assert.deepEqual(readStackSettings(reader({ "chatkit:organization": "org_~!" })).organization, "org_~!");
  });

  it("checks an environment value only where stack config does not replace it", () => {
    const badEnv = {
      OPENAI_API_KEY: "sk bad",
      OPENAI_BASE_URL: "api.openai.com/v1",
      OPENAI_ORG_ID: "org bad",
      OPENAI_PROJECT_ID: "proj bad",
    };
    const fromStack = resolveSettings(
      { apiKey: "sk-good", baseUrl: "http://stack/v1", organization: "org_good", project: "proj_good" },
      badEnv,
    );
    assert.equal(fromStack.apiKey, "sk-good");
    const env = { OPENAI_API_KEY: "sk-good" };
    assert.throws(
      () => resolveSettings({}, { ...env, OPENAI_ORG_ID: "org bad" }),
      /^Error: The organization \(from environment variable OPENAI_ORG_ID\) holds whitespace/,
    );
    assert.throws(
      () => resolveSettings({}, { ...env, OPENAI_PROJECT_ID: "proj bad" }),
      /The project \(from environment variable OPENAI_PROJECT_ID\) holds whitespace/,
    );
    assert.throws(
      () => resolveSettings({}, { ...env, OPENAI_BASE_URL: "api.openai.com/v1" }),
      /^Error: Environment variable OPENAI_BASE_URL must be an http or https URL such as https:\/\/api\.openai\.com\/v1 \(the value is not shown here\)\.$/,
    );
  });

  it("refuses a base URL of another scheme", () => {
    assert.throws(
      () => readStackSettings(reader({ "chatkit:baseUrl": "ftp://api.openai.com/v1" })),
      /^Error: Stack config chatkit:baseUrl must be an http or https URL such as https:\/\/api\.openai\.com\/v1 \(the value is not shown here\)\.$/,
    );
    for (const url of ["http://127.0.0.1:8787/v1", "https://api.openai.com/v1"]) {
      assert.equal(readStackSettings(reader({ "chatkit:baseUrl": url })).baseUrl, url);
    }
  });
});

describe("settings: no error text shows a key or the credentials of a URL", () => {
  const KEY = "sk-proj-ABCDEFGHIJKLMNOPQRSTUV";
  const failure = (read: () => unknown) => {
    try {
      read();
    } catch (error) {
      return (error as Error).message;
    }
    assert.fail("expected the settings to be refused");
  };

  it("redacts a key pasted into chatkit:baseUrl, chatkit:timeoutSeconds or OPENAI_BASE_URL, still naming the setting", () => {
    for (const [setting, read] of [
      ["chatkit:baseUrl", () => readStackSettings(reader({ "chatkit:baseUrl": KEY }))],
      ["chatkit:timeoutSeconds", () => readStackSettings(reader({ "chatkit:timeoutSeconds": KEY }))],
      ["OPENAI_BASE_URL", () => resolveSettings({}, { OPENAI_API_KEY: "sk-other-0123456789", OPENAI_BASE_URL: KEY })],
    ] as Array<[string, () => unknown]>) {
      const message = failure(read);
      assert.ok(message.includes(setting), message);
      assert.ok(!message.includes("ABCDEFGHIJ"), message);
    }
  });

  it("shows a refused number of up to 9 characters, and only describes a longer one, which may be pasted from elsewhere", () => {
    assert.match(
      failure(() => readStackSettings(reader({ "chatkit:maxRetries": "12345678x" }))),
      /, got "12345678x"$/,
    );
    assert.match(
      failure(() => readStackSettings(reader({ "chatkit:maxRetries": "123456789x" }))),
      /, got a string of 10 characters \(not shown here\)$/,
    );
    // A key short enough to be shown there is still never shown.
    const shortKey = "k3y-1234";
    const message = failure(() =>
      readStackSettings(reader({ "chatkit:apiKey": shortKey, "chatkit:maxRetries": shortKey })),
    );
    assert.match(message, /, got "\[redacted\]"$/);
  });

  it("removes the key from a refusal even where it is a word of the message itself", () => {
    const message = failure(() => resolveSettings({}, { OPENAI_API_KEY: "https", OPENAI_BASE_URL: "ftp://x/v1" }));
    assert.match(message, /^Environment variable OPENAI_BASE_URL must be an http or \[redacted\] URL/);
    assert.doesNotMatch(message, /https/);
  });

  it("never shows the configured key, whatever its shape, in another setting's error (fast-check)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{15,39}$/), (apiKey) => {
        const stack = failure(() =>
          readStackSettings(reader({ "chatkit:apiKey": apiKey, "chatkit:maxRetries": apiKey })),
        );
        assert.ok(!stack.includes(apiKey), stack);
        const env = failure(() => resolveSettings({}, { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: apiKey }));
        assert.ok(!env.includes(apiKey), env);
      }),
    );
  });

  it("refuses a base URL with a user name or password, naming the setting and the rule, not the credentials", () => {
    const url = "http://proxyuser:proxy-token-SECRET-123456@127.0.0.1:18787/v1";
    for (const [setting, read] of [
      ["chatkit:baseUrl", () => readStackSettings(reader({ "chatkit:baseUrl": url }))],
      ["OPENAI_BASE_URL", () => resolveSettings({}, { OPENAI_API_KEY: "sk-a-0123456789", OPENAI_BASE_URL: url })],
      [
        "chatkit:baseUrl",
        () => readStackSettings(reader({ "chatkit:baseUrl": "https://only-user@api.example.com/v1" })),
      ],
      [
        "OPENAI_BASE_URL",
        () =>
          resolveSettings(
            {},
            { OPENAI_API_KEY: "sk-a-0123456789", OPENAI_BASE_URL: "https://:only-pass@api.example.com/v1" },
          ),
      ],
    ] as Array<[string, () => unknown]>) {
      const message = failure(read);
      assert.ok(message.includes(setting), message);
      assert.match(message, /must not hold a user name or password/);
      assert.ok(!/proxyuser|proxy-token|only-user|only-pass/.test(message), message);
    }
  });

  it("refuses a base URL with a query or fragment, which would swallow every route, without showing it", () => {
    for (const url of [
      "https://proxy.example/v1?api-key=sk-proj-secret-0123456789",
      "http://127.0.0.1:8787/v1#top",
      "http://h/v1?",
    ]) {
      for (const read of [
        () => readStackSettings(reader({ "chatkit:baseUrl": url })),
        () => resolveSettings({}, { OPENAI_API_KEY: "sk-a-0123456789", OPENAI_BASE_URL: url }),
      ]) {
        const message = failure(read);
        assert.match(message, /(chatkit:baseUrl|OPENAI_BASE_URL) must not hold a query \(\?…\) or fragment \(#…\)/);
        assert.ok(!message.includes("secret") && !message.includes("#top"), message);
      }
    }
    assert.equal(
      readStackSettings(reader({ "chatkit:baseUrl": "http://127.0.0.1:8787/v1" })).baseUrl,
      "http://127.0.0.1:8787/v1",
    );
  });
});
