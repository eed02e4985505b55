import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type Emulator, startEmulator } from "../../emulator/server";
import { validateInputs } from "../../provider/schema";
import { openPluginProject, PLUGIN_DIR, type PluginProject } from "../../scripts/engine/pluginProject";
import { findPulumiCli } from "../../scripts/pulumiCli";
import { TEST_API_KEY } from "../helpers/emulator";
import { runsOfTen } from "../helpers/secret";

/** A key the emulator refuses (it accepts only the keys given to it). */
const REFUSED_KEY = "sk-refused-by-the-emulator-0123";
const EXPLICIT_KEY = "sk-own-key-9f8e7d6c5b4a3210";

interface LanguageCase {
  language: string;
  /**
   * Only the walk that shows the SDK works (create, no changes, replace, destroy): the bad input,
   * refused key and renewal run the same provider code as every other language's.
   */
  short?: boolean;
  /** The example program, under examples/, or a program's files. */
  example: string | { name: string; files: Record<string, string> };
  /** The language host the CLI needs beside it. */
  host: string;
  /** A program the language needs on the PATH, or its tests are skipped. */
  requires?: [program: string, ...versionArgs: string[]];
  /**
   * What a user runs in the project's copy before its first up (e.g. installing its dependencies);
   * a text is why this CLI cannot run the language's program, and its tests are skipped.
   */
  prepare?: (project: PluginProject) => Promise<string | undefined>;
}

const LANGUAGES: LanguageCase[] = [
  { language: "YAML", example: "basic-yaml", host: "pulumi-language-yaml" },
  // `pulumi package add` generates the Python SDK from the plugin's schema into sdks/chatkit, adds
  // it to requirements.txt, creates the copy's virtualenv and installs both (pulumi from PyPI).
  {
    language: "Python",
    example: "basic-python",
    host: "pulumi-language-python",
    requires: ["python3", "--version"],
    async prepare(project) {
      // CLIs before 3.163 print these two steps instead of taking them (seen with 3.139).
      if (!(await addPackage(project, "requirements.txt", (text) => text.includes("sdks/chatkit")))) {
        fs.appendFileSync(path.join(project.dir, "requirements.txt"), "sdks/chatkit\n");
        await mustRun(project, ["install"]);
      }
      return undefined;
    },
  },
  // `pulumi package add` generates the Go SDK into sdks/chatkit, requires it in go.mod with a
  // replace to that folder, and tidies the module (github.com/pulumi/pulumi/sdk/v3 from the proxy).
  {
    language: "Go",
    example: "basic-go",
    host: "pulumi-language-go",
    requires: ["go", "version"],
    async prepare(project) {
      if (await addPackage(project, "go.mod", (text) => text.includes(GO_SDK_MODULE))) return undefined;
      // Seen with 3.139: it prints a `go mod edit -replace` for a folder it left without a go.mod.
      return "this CLI's pulumi package add does not link the Go SDK (it generates it without a go.mod), so Go programs need a newer CLI (tested with 3.276)";
    },
  },
  // A TypeScript program (as JavaScript, so no compile step) through the SDK that `pulumi package
  // add` generates from the plugin's schema, instead of the dynamic provider.
  {
    language: "TypeScript",
    example: { name: "a program on the generated Node.js SDK", files: typescriptProgram() },
    host: "pulumi-language-nodejs",
    short: true,
    async prepare(project) {
      if (
        await addPackage(
          project,
          "package.json",
          (text) => JSON.parse(text).dependencies?.["@pulumi-chatkit/chatkit"] !== undefined,
        )
      )
        return undefined;
      // Seen with 3.139: it generates the SDK and prints how to add it instead of adding it.
      return "this CLI's pulumi package add does not link the Node.js SDK into package.json (tested with 3.276)";
    },
  },
];

/** The basic example's program on the generated SDK, with the same config and outputs. */
function typescriptProgram(): Record<string, string> {
  const { version } = require("@pulumi/pulumi/package.json") as { version: string };
  return {
    "Pulumi.yaml": [
      "name: chatkit-sdk-nodejs",
      "runtime:",
      "  name: nodejs",
      "  options:",
      "    typescript: false",
      "plugins:",
      "  providers:",
      "    - name: chatkit",
      `      path: ${PLUGIN_DIR}`,
      "",
    ].join("\n"),
    "package.json": JSON.stringify({
      name: "chatkit-sdk-nodejs",
      private: true,
      main: "index.js",
      dependencies: { "@pulumi/pulumi": version },
    }),
    "index.js": [
      'const pulumi = require("@pulumi/pulumi");',
      'const chatkit = require("@pulumi-chatkit/chatkit");',
      "const config = new pulumi.Config();",
      'const session = new chatkit.Session("support-chat", {',
      '  user: config.get("user") ?? "demo-user",',
      '  workflow: { id: config.get("workflowId") ?? "wf_demo" },',
      '  expiresAfter: config.getNumber("ttlSeconds"),',
      '  renewBefore: config.getNumber("renewBefore"),',
      "});",
      "exports.sessionId = session.id;",
      "exports.expiresAt = session.expiresAt;",
      "exports.status = session.status;",
      "exports.clientSecret = session.clientSecret;",
      "",
    ].join("\n"),
  };
}

/** The Go SDK's module, from the go.importBasePath of the package schema. */
const GO_SDK_MODULE = "github.com/pulumi-chatkit/pulumi-chatkit/sdk/go";

async function mustRun(project: PluginProject, args: string[]): Promise<void> {
  const run = await project.cli(args);
  assert.equal(run.code, 0, `pulumi ${args.join(" ")}:\n${run.output}`);
}

/**
 * Runs `pulumi package add` for the plugin, then whether the CLI linked the generated SDK into the
 * program: whether the program's file requires it (older CLIs generate it and only print how to link it).
 */
async function addPackage(project: PluginProject, file: string, isLinked: (text: string) => boolean) {
  await mustRun(project, ["package", "add", PLUGIN_DIR]);
  return isLinked(fs.readFileSync(path.join(project.dir, file), "utf8"));
}

/** Whether the program runs (asked its version). */
const runs = (program: string, ...args: string[]) => spawnSync(program, args, { stdio: "ignore" }).status === 0;

/** A YAML program's reference to a resource, output or config value. */
const ref = (name: string) => `\${${name}}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The provider plugin (provider/plugin, `chatkit:index:Session`) through the real Pulumi CLI,
 * from a program in each language, against the emulator: the lifecycle the dynamic provider's
 * engine tests walk, in the language's own program (its examples/basic-<language>).
 */
describe("every language through the provider plugin", function () {
  this.timeout(20 * 60_000);
  let bin = "";
  let emulator: Emulator;

  before(async function () {
    const cli = await findPulumiCli(8_000);
    if (!cli.found) {
      console.log(`      skipped: no Pulumi CLI could be found or built (${cli.reason})`);
      this.skip();
    }
    bin = cli.bin;
    emulator = await startEmulator({ apiKeys: [TEST_API_KEY, EXPLICIT_KEY] });
  });
  after(async () => {
    await emulator?.close();
  });

  for (const { language, example, host, requires, prepare, short } of LANGUAGES) {
    // The walks a short case leaves to the others (they run the same provider code): not registered.
    const step = (title: string, walk: () => Promise<void>) => (short ? undefined : it(title, walk));
    const label = typeof example === "string" ? `examples/${example}` : example.name;
    describe(`${language}: ${label}`, () => {
      let project: PluginProject;
      const sessionId = async () => String((await project.outputs()).sessionId);

      before(async function () {
        if (!fs.existsSync(path.join(path.dirname(bin), host))) {
          console.log(`      skipped: ${host} is not beside the CLI (${bin}); npm run pulumi -- version builds it`);
          this.skip();
        }
        if (requires && !runs(...requires)) {
          console.log(`      skipped: ${language} programs need ${requires[0]}, which is not on the PATH`);
          this.skip();
        }
        project = await openPluginProject(bin, typeof example === "string" ? example : example.files);
        const unable = await prepare?.(project);
        if (unable) {
          console.log(`      skipped: ${unable}`);
          this.skip();
        }
        await project.config("chatkit:baseUrl", emulator.url);
        // Set without --secret in one language: the plugin marks it secret at CheckConfig, so the
        // state holds it encrypted all the same (the first test looks).
        await project.config("chatkit:apiKey", TEST_API_KEY, language !== "YAML");
        await project.config("user", `${language}-user`);
      });
      after(() => project?.close());

      it("creates a session; its client secret is a secret output, encrypted in the state", async () => {
        const up = await project.cli(["up", "--yes"]);
        assert.equal(up.code, 0, up.output);
        const outputs = await project.outputs();
        const session = emulator.session(String(outputs.sessionId));
        assert.equal(session?.status, "active");
        assert.equal(outputs.clientSecret, session?.clientSecret);
        const shown = await project.cli(["stack", "output", "--json"]);
        assert.equal(JSON.parse(shown.stdout).clientSecret, "[secret]");
        const state = JSON.stringify(await project.exportState());
        for (const secret of [String(session?.clientSecret), TEST_API_KEY]) {
          assert.deepEqual(
            runsOfTen(secret).filter((run) => state.includes(run)),
            [],
            "no ten characters of a secret in the state",
          );
        }
        assert.ok(JSON.stringify(await project.exportState(true)).includes(String(session?.clientSecret)));
        assert.ok(!state.includes("__provider"), "no serialized provider in the state");
      });

      it("finds no changes on the next preview, up and refresh", async () => {
        const id = await sessionId();
        for (const args of [
          ["preview", "--expect-no-changes"],
          ["up", "--yes", "--expect-no-changes"],
          ["refresh", "--yes", "--expect-no-changes"],
        ]) {
          const run = await project.cli(args);
          assert.equal(run.code, 0, `pulumi ${args.join(" ")}:\n${run.output}`);
        }
        assert.equal(await sessionId(), id);
      });

      step("refuses a bad input at check with the same message as the dynamic provider, creating nothing", async () => {
        const sessions = emulator.listSessions().length;
        await project.config("ttlSeconds", "900");
        const up = await project.cli(["up", "--yes"]);
        const [failure] = validateInputs({ user: "u", workflow: { id: "wf_x" }, expiresAfter: 900 }).failures;
        assert.notEqual(up.code, 0);
        assert.ok(up.output.includes(failure!.reason), up.output);
        assert.equal(emulator.listSessions().length, sessions);
        await project.config("ttlSeconds", "600");
      });

      step("fails clearly with a key the API refuses, keeping the live session and never showing the key", async () => {
        const id = await sessionId();
        await project.config("chatkit:apiKey", REFUSED_KEY, true);
        await project.config("user", `${language}-user-refused`);
        const up = await project.cli(["up", "--yes"]);
        assert.notEqual(up.code, 0);
        assert.match(up.output, /401/);
        assert.match(up.output, /chatkit:apiKey/);
        assert.deepEqual(
          runsOfTen(REFUSED_KEY).filter((run) => up.output.includes(run)),
          [],
        );
        assert.equal(await sessionId(), id);
        assert.equal(emulator.session(id)?.status, "active");
        // Set without --secret in one language: the plugin marks it secret at CheckConfig, so the
        // state holds it encrypted all the same (the first test looks).
        await project.config("chatkit:apiKey", TEST_API_KEY, language !== "YAML");
        await project.config("user", `${language}-user`);
      });

      it("replaces the session on an edit of an input, cancelling the old one", async () => {
        const before = await sessionId();
        await project.config("user", `${language}-user-2`);
        const up = await project.cli(["up", "--yes"]);
        assert.equal(up.code, 0, up.output);
        const after = await sessionId();
        assert.notEqual(after, before);
        assert.equal(emulator.session(before)?.status, "cancelled");
        assert.equal(emulator.session(after)?.user, `${language}-user-2`);
      });

      step("renews an expired session on the next up", async () => {
        await project.config("ttlSeconds", "4");
        await project.config("renewBefore", "1");
        assert.equal((await project.cli(["up", "--yes"])).code, 0);
        const before = await sessionId();
        await sleep(4_500);
        const preview = await project.cli(["preview", "--diff"]);
        assert.match(preview.output, /replace/);
        const up = await project.cli(["up", "--yes"]);
        assert.equal(up.code, 0, up.output);
        assert.notEqual(await sessionId(), before);
      });

      it("cancels the session on destroy", async () => {
        const id = await sessionId();
        const destroy = await project.cli(["destroy", "--yes"]);
        assert.equal(destroy.code, 0, destroy.output);
        // The renewal walk leaves a session of a few seconds, which may have expired by now: the
        // cancel is sent all the same, and the API confirms either end.
        const cancels = emulator.requests.filter(
          (request) => request.method === "POST" && request.path === `/v1/chatkit/sessions/${id}/cancel`,
        );
        assert.deepEqual(
          cancels.map((request) => request.status),
          [200],
        );
        assert.ok(["cancelled", "expired"].includes(String(emulator.session(id)?.status)));
      });
    });
  }

  describe("YAML: an explicit provider resource", () => {
    let project: PluginProject;
    before(async function () {
      if (!fs.existsSync(path.join(path.dirname(bin), "pulumi-language-yaml"))) this.skip();
      project = await openPluginProject(bin, {
        "Pulumi.yaml": [
          "name: chatkit-explicit-provider",
          "runtime: yaml",
          "plugins:",
          "  providers:",
          "    - name: chatkit",
          `      path: ${PLUGIN_DIR}`,
          "config:",
          "  ownKey:",
          "    type: string",
          "    secret: true",
          "resources:",
          "  own:",
          "    type: pulumi:providers:chatkit",
          "    properties:",
          `      apiKey: ${ref("ownKey")}`,
          `      baseUrl: ${emulator.url}`,
          "  session:",
          "    type: chatkit:index:Session",
          "    properties:",
          "      user: explicit-user",
          "      workflow:",
          "        id: wf_explicit",
          "    options:",
          `      provider: ${ref("own")}`,
          "outputs:",
          `  sessionId: ${ref("session.id")}`,
          "",
        ].join("\n"),
      });
      // The stack's own key is one the API refuses: only the provider resource's key can work.
      await project.config("chatkit:apiKey", REFUSED_KEY, true);
      await project.config("chatkit:baseUrl", emulator.url);
      await project.config("ownKey", EXPLICIT_KEY, true);
    });
    after(() => project?.close());

    it("creates and cancels with the provider resource's own key, not the stack's", async () => {
      const up = await project.cli(["up", "--yes"]);
      assert.equal(up.code, 0, up.output);
      const id = String((await project.outputs()).sessionId);
      assert.equal(emulator.session(id)?.status, "active");
      const state = JSON.stringify(await project.exportState());
      assert.deepEqual(
        runsOfTen(EXPLICIT_KEY).filter((run) => state.includes(run)),
        [],
      );
      const destroy = await project.cli(["destroy", "--yes"]);
      assert.equal(destroy.code, 0, destroy.output);
      assert.equal(emulator.session(id)?.status, "cancelled");
    });
  });
});
