// Preloaded (node --require) into Stryker and its workers by tools/mutation/mutate.sh.
//
// @stryker-mutator/mocha-runner 10.0.0 loads Mocha's cli internals by extensionless paths
// (`mocha/lib/cli/run-helpers`), and Mocha 12 renamed them to `.cjs`, so the runner fails to load
// ("Cannot find TestRunner plugin mocha"). Letting require() probe `.cjs` too makes those paths
// resolve; `.cjs` files are CommonJS whatever the package type, so they load as `.js` files do.
// Remove this file when a mocha-runner release resolves the `.cjs` names itself.
const Module = require("node:module");

if (!Module._extensions[".cjs"]) Module._extensions[".cjs"] = Module._extensions[".js"];
