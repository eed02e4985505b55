// Mutation testing: `npm run mutate` (see CONTRIBUTING.md, "Mutation testing"), run from the
// project's root, so every path below is the root's. Stryker mutates the TypeScript sources of provider/ and emulator/ (so the report points at the lines you edit and a disable comment sits
// next to the code it is about), rebuilds with tsc, and runs the provider and emulator tests.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  // The emulator's command line runs in its own process (tests/emulator/cli.test.ts spawns it),
  // where Stryker cannot switch mutants on: its mutants would all read as untested.
  mutate: ["provider/**/*.ts", "emulator/**/*.ts", "!emulator/cli.ts"],
  testRunner: "mocha",
  // The build the tests run: mocha loads dist/tests, which loads dist/provider and dist/emulator.
  buildCommand: "tsc -p .",
  // Quick tests first: a mutant stops at its first failing test, and a mutant in code that runs at
  // load time (a schema's limit, say) runs every test; the files named last take seconds each.
  mochaOptions: {
    spec: [
      "dist/tests/provider/!(answers|clock|faults|lifecycle|load|properties|retryProperties).test.js",
      "dist/tests/emulator/!(cli|limits).test.js",
      "dist/tests/provider/@(lifecycle|faults|clock|answers|retryProperties).test.js",
      "dist/tests/emulator/@(limits|cli).test.js",
      "dist/tests/provider/@(properties|load).test.js",
    ],
  },
  coverageAnalysis: "perTest",
  // A mutant that does not type-check is not a program anyone could ship: the checker drops it
  // before any test runs, so it neither costs a test run nor counts in the score.
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  // Keeps the last results, so a re-run only tests mutants in changed code or covered by changed tests.
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, reportTests: false, reportMutants: false },
  // The policy: a score below 90 % fails the run.
  thresholds: { high: 95, low: 90, break: 90 },
  // The tests start emulators and use real sockets; on a busy machine they need slack before a
  // slow run is mistaken for a mutant that hangs.
  timeoutMS: 10000,
  // dist is not ignored: incremental mode compares the test files the runner reports (dist/tests)
  // with the previous run's, and reads them from the project, which `npm run mutate` builds first.
  ignorePatterns: ["reports", ".pulumi-state", "examples/*/node_modules", "examples/*/.state"],
};
