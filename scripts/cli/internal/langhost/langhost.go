// Package langhost holds what this project's language hosts (scripts/cli/language-nodejs,
// language-python and language-go) share: the command line older CLIs pass, serving the
// LanguageRuntime with the engine's health check, the stack's config as the SDKs read it from
// PULUMI_CONFIG, and running the program's process so that the engine's cancel or interrupt
// ends it.
package langhost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// ExitAfterUserMessage is the exit code with which the SDKs say they already showed the user an
// actionable message.
const ExitAfterUserMessage = 32

// Base is the state and the requests every host answers the same way; a host embeds it.
type Base struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	// The host's name, for messages.
	Name          string
	EngineAddress string
	Tracing       string
	// Pulumi.yaml's runtime options as older CLIs pass them on the command line.
	FlagOptions map[string]any
	// Ends the programs this host started when the engine cancels or interrupts.
	Stopped context.Context
}

func (b *Base) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	b.EngineAddress = req.EngineAddress
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (b *Base) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// RuntimeOptions are the request's runtime options, or the command line's where it has none.
func (b *Base) RuntimeOptions(fromRequest map[string]any) map[string]any {
	if len(fromRequest) == 0 {
		return b.FlagOptions
	}
	return fromRequest
}

// Fail ends the host with a message on stderr.
func (b *Base) Fail(err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", b.Name, err)
	os.Exit(1)
}

// Main reads the command line into base, then serves server (which embeds base) until the
// engine stops it: `-version` prints the version instead. boolOptions are the runtime options
// whose command-line value is a boolean.
func Main(base *Base, server pulumirpc.LanguageRuntimeServer, boolOptions ...string) {
	flags := ParseFlags(os.Args[1:], boolOptions...)
	if flags.ShowVersion {
		fmt.Println(version.Version)
		return
	}
	base.Tracing, base.FlagOptions = flags.Tracing, flags.Options
	if len(flags.Positional) > 0 {
		base.EngineAddress = flags.Positional[0]
	}
	stopped, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	base.Stopped = stopped
	cancel := make(chan bool)
	go func() {
		<-stopped.Done()
		close(cancel)
	}()
	if base.EngineAddress != "" {
		if err := rpcutil.Healthcheck(stopped, base.EngineAddress, 5*time.Minute, stop); err != nil {
			base.Fail(fmt.Errorf("could not start the engine health check: %w", err))
		}
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, server)
			return nil
		},
	})
	if err != nil {
		base.Fail(fmt.Errorf("could not start the language host: %w", err))
	}
	// The engine reads the port from the first line the host prints.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		base.Fail(fmt.Errorf("the language host stopped serving: %w", err))
	}
}

// CommandLine is what the host's command line says.
type CommandLine struct {
	Tracing     string
	ShowVersion bool
	Options     map[string]any
	Positional  []string
}

// ParseFlags reads the host's command line. CLIs before the Handshake call pass the project's
// root folder and each of Pulumi.yaml's runtime options as a flag (`-root=<dir>`,
// `-typescript=false`); Go's flag package would stop at the first one it does not know, and the
// engine would only see the host exit. The root folder arrives in every request, so it is not
// kept; options are kept for requests that carry none (those named in boolOptions as booleans).
func ParseFlags(args []string, boolOptions ...string) CommandLine {
	line := CommandLine{Options: map[string]any{}}
	isBool := map[string]bool{}
	for _, name := range boolOptions {
		isBool[name] = true
	}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			line.Positional = append(line.Positional, arg)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		switch name {
		case "version":
			line.ShowVersion = !hasValue || value == "true"
		case "tracing", "root", "runtime":
			if !hasValue && i+1 < len(args) {
				i++
				value = args[i]
			}
			if name == "tracing" {
				line.Tracing = value
			}
		default:
			if b, err := strconv.ParseBool(value); err == nil && isBool[name] {
				line.Options[name] = b
			} else {
				line.Options[name] = value
			}
		}
	}
	return line
}

// ConfigEnv is the stack's config and its secret keys as the PULUMI_CONFIG and
// PULUMI_CONFIG_SECRET_KEYS variables the SDKs read. With configNamespace, keys are written
// `<namespace>:config:<name>` (the form every @pulumi/pulumi release reads); without, as the
// engine sends them, `<namespace>:<name>` (the form the Python SDK reads).
func ConfigEnv(values map[string]string, secretKeys []string, configNamespace bool) ([]string, error) {
	transformed := make(map[string]string, len(values))
	for key, value := range values {
		if !configNamespace {
			transformed[key] = value
			continue
		}
		parsed, err := config.ParseKey(key)
		if err != nil {
			return nil, fmt.Errorf("config key %q: %w", key, err)
		}
		transformed[parsed.Namespace()+":config:"+parsed.Name()] = value
	}
	configJSON, err := json.Marshal(transformed)
	if err != nil {
		return nil, err
	}
	secretJSON, err := json.Marshal(append([]string{}, secretKeys...))
	if err != nil {
		return nil, err
	}
	return []string{"PULUMI_CONFIG=" + string(configJSON), "PULUMI_CONFIG_SECRET_KEYS=" + string(secretJSON)}, nil
}

// RunChild runs the program with the arguments and ends it (interrupt, then kill after 5 s)
// when the request ends or the engine interrupts this host.
func (b *Base) RunChild(ctx context.Context, program string, args, env []string, dir string, stdout, stderr io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if b.Stopped != nil {
		stopAfter := context.AfterFunc(b.Stopped, cancel)
		defer stopAfter()
	}
	cmd := exec.CommandContext(ctx, program, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, stdout, stderr
	return cmd.Run()
}

// RunIn runs the program with the arguments in the folder, its output to the writers; its error
// names the command and the folder.
func RunIn(ctx context.Context, dir string, stdout, stderr io.Writer, program string, args ...string) error {
	cmd := exec.CommandContext(ctx, program, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s in %s failed: %w", program, strings.Join(args, " "), dir, err)
	}
	return nil
}

// InstallDependencies answers the CLI's InstallDependencies (what `pulumi install` calls): install
// runs in the program's folder with the engine's output streams, which are closed after it.
func InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
	install func(ctx context.Context, dir string, stdout, stderr io.Writer) error,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.IsTerminal)
	if err != nil {
		return err
	}
	defer closer.Close()
	if err := install(server.Context(), req.GetInfo().GetProgramDirectory(), stdout, stderr); err != nil {
		return err
	}
	return closer.Close()
}

// RunFlags are the Run request's values as the flags with which an SDK's run script reads them,
// each only where it has a value. The SDKs spell the names of two words differently (Node.js
// `--root-directory`, Python `--root_directory`): sep joins the words. dryRun are the arguments
// that say a preview (Node.js `--dry-run`, Python `--dry_run true`).
func (b *Base) RunFlags(req *pulumirpc.RunRequest, sep string, dryRun ...string) []string {
	var args []string
	flag := func(name, value string) {
		if value != "" {
			args = append(args, "--"+strings.ReplaceAll(name, " ", sep), value)
		}
	}
	flag("monitor", req.GetMonitorAddress())
	flag("engine", b.EngineAddress)
	flag("organization", req.GetOrganization())
	flag("project", req.GetProject())
	flag("root directory", req.GetInfo().GetRootDirectory())
	flag("stack", req.GetStack())
	flag("pwd", req.GetInfo().GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, dryRun...)
	}
	flag("parallel", strconv.Itoa(int(req.GetParallel())))
	flag("tracing", b.Tracing)
	return args
}

// RunResponse is the answer to Run for the program's end: a bail when it exited after showing
// the user a message, else the exit code or why it could not run with the runtime named.
func RunResponse(err error, runtime string) *pulumirpc.RunResponse {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}
	case errors.As(err, &exit) && exit.ExitCode() == ExitAfterUserMessage:
		return &pulumirpc.RunResponse{Bail: true}
	case errors.As(err, &exit):
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exit.ExitCode())}
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the program with %s: %v", runtime, err)}
	}
}

// GetRequiredPlugins: the programs of this project's hosts need no plugin but the ones
// Pulumi.yaml names, which the engine loads itself.
func (b *Base) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (b *Base) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}
