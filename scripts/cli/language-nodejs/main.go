// Command pulumi-language-nodejs runs the Node.js programs and Node.js plugins of a Pulumi CLI
// built from its Go modules. The release's own host of that name is not published on the Go
// module proxy (only the CLI's modules are), so this one implements the part of the
// LanguageRuntime protocol that `pulumi up`, `preview`, `refresh`, `destroy`, `import` and a
// Node.js source plugin use, the same way the release's host does: it resolves
// `@pulumi/pulumi/cmd/run` (or `run-plugin`) from the program's folder and runs it with Node,
// passing the stack's config in PULUMI_CONFIG. Everything else (deployment, state, secrets,
// diffs, providers) is the CLI's own code.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/google/shlex"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"pulumi-chatkit/cli/internal/langhost"
)

type host struct {
	*langhost.Base
}

func main() {
	h := &host{Base: &langhost.Base{Name: "pulumi-language-nodejs"}}
	langhost.Main(h.Base, h, "typescript")
}

// The program's direct dependencies as installed, for `pulumi about`.
func (h *host) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	var manifest struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := readJSON(filepath.Join(dir, "package.json"), &manifest); err != nil {
		return nil, err
	}
	response := &pulumirpc.GetProgramDependenciesResponse{}
	for name, wanted := range manifest.Dependencies {
		var installed struct {
			Version string `json:"version"`
		}
		if readJSON(filepath.Join(dir, "node_modules", name, "package.json"), &installed) != nil {
			installed.Version = wanted
		}
		response.Dependencies = append(response.Dependencies,
			&pulumirpc.DependencyInfo{Name: name, Version: installed.Version})
	}
	return response, nil
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("could not find node on the PATH")
	}
	out, err := exec.CommandContext(ctx, node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("could not run node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{
		Executable: node,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
	}, nil
}

func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	return langhost.InstallDependencies(req, server, func(ctx context.Context, dir string, stdout, stderr io.Writer) error {
		return langhost.RunIn(ctx, dir, stdout, stderr, "npm", "install")
	})
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	opts, err := parseOptions(h.RuntimeOptions(info.GetOptions().AsMap()))
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	runPath, err := locateModule(ctx, "@pulumi/pulumi/cmd/run", info.GetProgramDirectory(), "pulumi install")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	configEnv, err := langhost.ConfigEnv(req.GetConfig(), req.GetConfigSecretKeys(), true)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	args := append([]string{}, opts.nodeArgs...)
	args = append(args, runPath)
	args = append(args, h.RunFlags(req, "-", "--dry-run")...)
	args = append(args, info.GetEntryPoint())
	args = append(args, req.GetArgs()...)

	env := append(os.Environ(), configEnv...)
	env = append(env, opts.env()...)
	// Node may switch its inherited descriptors to non-blocking mode, so they are copied, not shared.
	err = h.runNode(ctx, args, env, "", struct{ io.Writer }{os.Stdout}, struct{ io.Writer }{os.Stderr})
	return langhost.RunResponse(err, "node"), nil
}

// RunPlugin runs a plugin written for Node.js (a folder with PulumiPlugin.yaml, runtime nodejs).
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	info := req.GetInfo()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()
	opts, err := parseOptions(h.RuntimeOptions(info.GetOptions().AsMap()))
	if err != nil {
		return err
	}
	dir := info.GetProgramDirectory()
	runPath, err := locateModule(ctx, "@pulumi/pulumi/cmd/run-plugin", dir, "npm install in "+dir)
	if err != nil {
		return err
	}
	args := append([]string{}, opts.nodeArgs...)
	args = append(args, runPath, dir)
	args = append(args, req.GetArgs()...)
	env := append(append([]string{}, req.GetEnv()...), opts.env()...)
	if err := h.runNode(ctx, args, env, req.GetPwd(), stdout, stderr); err != nil {
		return fmt.Errorf("the plugin in %s stopped: %w", dir, err)
	}
	return closer.Close()
}

// runNode runs node with the arguments and ends it (interrupt, then kill after 5 s) when the
// request ends or the engine interrupts this host.
func (h *host) runNode(ctx context.Context, args, env []string, dir string, stdout, stderr io.Writer) error {
	node, err := exec.LookPath("node")
	if err != nil {
		return errors.New("could not find node on the PATH")
	}
	return h.RunChild(ctx, node, args, env, dir, stdout, stderr)
}

type options struct {
	typescript bool
	tsconfig   string
	nodeArgs   []string
}

// parseOptions reads the `runtime.options` of Pulumi.yaml (or PulumiPlugin.yaml).
func parseOptions(raw map[string]any) (options, error) {
	opts := options{typescript: true}
	if value, ok := raw["typescript"]; ok {
		typescript, isBool := value.(bool)
		if !isBool {
			return opts, errors.New("runtime option typescript must be a boolean")
		}
		opts.typescript = typescript
	}
	if value, ok := raw["tsconfig"]; ok {
		tsconfig, isString := value.(string)
		if !isString {
			return opts, errors.New("runtime option tsconfig must be a string")
		}
		opts.tsconfig = tsconfig
	}
	if value, ok := raw["nodeargs"]; ok {
		text, isString := value.(string)
		if !isString {
			return opts, errors.New("runtime option nodeargs must be a string")
		}
		words, err := shlex.Split(text)
		if err != nil {
			return opts, fmt.Errorf("runtime option nodeargs: %w", err)
		}
		opts.nodeArgs = words
	}
	return opts, nil
}

func (opts options) env() []string {
	var env []string
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}
	return env
}

// locateModule resolves a module as Node would from the folder, so the program's own
// @pulumi/pulumi runs it.
func locateModule(ctx context.Context, module, dir, installHint string) (string, error) {
	script := fmt.Sprintf(
		"try { console.log(require.resolve(%q)) } catch (error) { console.error(error.code === 'MODULE_NOT_FOUND' ? %q : error.message); process.exit(1) }",
		module, "It looks like the Pulumi SDK has not been installed. Have you run "+installHint+"?")
	cmd := exec.CommandContext(ctx, "node", "-e", script)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if message := strings.TrimSpace(stderr.String()); message != "" {
			return "", errors.New(message)
		}
		return "", fmt.Errorf("could not resolve %s from %s: %w", module, dir, err)
	}
	scanner := bufio.NewScanner(strings.NewReader(string(out)))
	var last string
	for scanner.Scan() {
		last = scanner.Text()
	}
	return last, nil
}

func readJSON(file string, into any) error {
	text, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	return json.Unmarshal(text, into)
}

// GeneratePackage writes a package's TypeScript SDK (what `pulumi package add` installs).
func (h *host) GeneratePackage(
	ctx context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	return langhost.GeneratePackage(ctx, req, func(pkg *schema.Package, loader schema.ReferenceLoader) (map[string][]byte, error) {
		return nodejs.GeneratePackage(h.Name, pkg, req.GetExtraFiles(), req.GetLocalDependencies(), req.GetLocal(), loader)
	})
}

// Link adds each generated SDK to the program's package.json as a `file:` dependency (npm keeps
// the file's layout), which InstallDependencies then installs, as the release's host does.
func (h *host) Link(ctx context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	return langhost.Link(req, func(sdk langhost.LinkedSDK) (string, error) {
		var manifest struct {
			Name string `json:"name"`
		}
		if err := readJSON(filepath.Join(sdk.Dir, "package.json"), &manifest); err != nil {
			return "", fmt.Errorf("the generated SDK in %s has no package.json that can be read: %w", sdk.Dir, err)
		}
		if manifest.Name == "" {
			return "", fmt.Errorf("the package.json of the generated SDK in %s names no package", sdk.Dir)
		}
		dependency := fmt.Sprintf("dependencies.%s=file:%s", manifest.Name, strings.TrimPrefix(sdk.FromProgram, "./"))
		cmd := exec.CommandContext(ctx, "npm", "pkg", "set", dependency)
		cmd.Dir = req.GetInfo().GetProgramDirectory()
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("npm pkg set in %s failed: %w: %s", cmd.Dir, err, out)
		}
		return fmt.Sprintf("import * as %s from %q;", sdk.Package.GetName(), manifest.Name), nil
	})
}
