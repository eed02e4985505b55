// What a compatibility leg (.ci/leg.sh) does to the repository copy it runs in, one command each:
//
//   node .ci/leg-manifest.js pin <package@version ...>   each pin replaces the range in whichever
//                                                        section of package.json declares it
//   node .ci/leg-manifest.js versions                    prints the versions the leg resolved
//   node .ci/leg-manifest.js specs <layer ...>           writes .mocharc.leg.json: the suite's own
//                                                        mocha settings, with only these layers
const fs = require("node:fs");

const [command, ...args] = process.argv.slice(2);
const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"));

if (command === "pin") {
  const manifest = readJson("package.json");
  for (const pin of args) {
    const at = pin.lastIndexOf("@");
    const [name, version] = [pin.slice(0, at), pin.slice(at + 1)];
    const section = ["dependencies", "devDependencies"].find((key) => manifest[key]?.[name]);
    if (!section) throw new Error(`${name} is not a dependency`);
    manifest[section][name] = version;
  }
  fs.writeFileSync("package.json", JSON.stringify(manifest, null, 2));
} else if (command === "versions") {
  const version = (name) => readJson(`node_modules/${name}/package.json`).version;
  console.log(
    `Node ${process.version}, @pulumi/pulumi ${version("@pulumi/pulumi")}, openai ${version("openai")}, zod ${version("zod")}, typescript ${version("typescript")}`,
  );
} else if (command === "specs") {
  const config = readJson(".mocharc.json");
  config.spec = args.map((layer) => `dist/tests/${layer}/**/*.test.js`);
  fs.writeFileSync(".mocharc.leg.json", JSON.stringify(config));
} else {
  throw new Error(`unknown command ${command}: pin, versions or specs`);
}
