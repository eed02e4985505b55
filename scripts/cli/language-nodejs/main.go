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
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/shlex"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// The exit code with which @pulumi/pulumi says it already showed the user an actionable message.
const exitAfterUserMessage = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
	tracing       string
	// Pulumi.yaml's runtime options as older CLIs pass them on the command line.
	flagOptions map[string]any
	// Ends the programs this host started when the engine cancels or interrupts.
	stopped context.Context
}

func main() {
	flags := parseFlags(os.Args[1:])
	if flags.showVersion {
		fmt.Println(version.Version)
		return
	}
	h := &host{tracing: flags.tracing, flagOptions: flags.options}
	if len(flags.positional) > 0 {
		h.engineAddress = flags.positional[0]
	}
	stopped, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	h.stopped = stopped
	cancel := make(chan bool)
	go func() {
		<-stopped.Done()
		close(cancel)
	}()
	if h.engineAddress != "" {
		if err := rpcutil.Healthcheck(stopped, h.engineAddress, 5*time.Minute, stop); err != nil {
			fail(fmt.Errorf("could not start the engine health check: %w", err))
		}
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fail(fmt.Errorf("could not start the language host: %w", err))
	}
	// The engine reads the port from the first line the host prints.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fail(fmt.Errorf("the language host stopped serving: %w", err))
	}
}

type commandLine struct {
	tracing     string
	showVersion bool
	options     map[string]any
	positional  []string
}

// parseFlags reads the host's command line. CLIs before the Handshake call pass the project's
// root folder and each of Pulumi.yaml's runtime options as a flag (`-root=<dir>`,
// `-typescript=false`); Go's flag package would stop at the first one it does not know, and the
// engine would only see the host exit. The root folder arrives in every request, so it is not
// kept; options are kept for requests that carry none.
func parseFlags(args []string) commandLine {
	line := commandLine{options: map[string]any{}}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			line.positional = append(line.positional, arg)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		switch name {
		case "version":
			line.showVersion = !hasValue || value == "true"
		case "tracing", "root", "runtime":
			if !hasValue && i+1 < len(args) {
				i++
				value = args[i]
			}
			if name == "tracing" {
				line.tracing = value
			}
		default:
			if b, err := strconv.ParseBool(value); err == nil && name == "typescript" {
				line.options[name] = b
			} else {
				line.options[name] = value
			}
		}
	}
	return line
}

// runtimeOptions are the request's runtime options, or the command line's where it has none.
func (h *host) runtimeOptions(fromRequest map[string]any) map[string]any {
	if len(fromRequest) == 0 {
		return h.flagOptions
	}
	return fromRequest
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
	os.Exit(1)
}

func (h *host) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engineAddress = req.EngineAddress
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// Programs of this project need no plugin but the bundled dynamic-provider one, which the CLI
// finds beside itself.
func (h *host) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
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
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.IsTerminal)
	if err != nil {
		return err
	}
	defer closer.Close()
	cmd := exec.CommandContext(server.Context(), "npm", "install")
	cmd.Dir = req.GetInfo().GetProgramDirectory()
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm install in %s failed: %w", cmd.Dir, err)
	}
	return closer.Close()
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	opts, err := parseOptions(h.runtimeOptions(info.GetOptions().AsMap()))
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	runPath, err := locateModule(ctx, "@pulumi/pulumi/cmd/run", info.GetProgramDirectory(), "pulumi install")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	configJSON, err := programConfig(req.GetConfig())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	secretKeys, err := json.Marshal(append([]string{}, req.GetConfigSecretKeys()...))
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	args := append([]string{}, opts.nodeArgs...)
	args = append(args, runPath)
	flagArg := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagArg("monitor", req.GetMonitorAddress())
	flagArg("engine", h.engineAddress)
	flagArg("organization", req.GetOrganization())
	flagArg("project", req.GetProject())
	flagArg("root-directory", info.GetRootDirectory())
	flagArg("stack", req.GetStack())
	flagArg("pwd", info.GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagArg("parallel", strconv.Itoa(int(req.GetParallel())))
	flagArg("tracing", h.tracing)
	args = append(args, info.GetEntryPoint())
	args = append(args, req.GetArgs()...)

	env := append(os.Environ(), "PULUMI_CONFIG="+configJSON, "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))
	env = append(env, opts.env()...)
	// Node may switch its inherited descriptors to non-blocking mode, so they are copied, not shared.
	err = h.runNode(ctx, args, env, "", struct{ io.Writer }{os.Stdout}, struct{ io.Writer }{os.Stderr})
	var exit *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exit) && exit.ExitCode() == exitAfterUserMessage:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exit):
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exit.ExitCode())}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the program with node: %v", err)}, nil
	}
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
	opts, err := parseOptions(h.runtimeOptions(info.GetOptions().AsMap()))
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
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopAfter := context.AfterFunc(h.stopped, cancel)
	defer stopAfter()
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, stdout, stderr
	return cmd.Run()
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

// programConfig is the stack's config as @pulumi/pulumi reads it from PULUMI_CONFIG. Keys are
// written `<namespace>:config:<name>`, the form every @pulumi/pulumi release reads.
func programConfig(values map[string]string) (string, error) {
	transformed := make(map[string]string, len(values))
	for key, value := range values {
		parsed, err := config.ParseKey(key)
		if err != nil {
			return "", fmt.Errorf("config key %q: %w", key, err)
		}
		transformed[parsed.Namespace()+":config:"+parsed.Name()] = value
	}
	text, err := json.Marshal(transformed)
	return string(text), err
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
