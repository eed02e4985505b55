// Command pulumi-language-go runs the Go programs of a Pulumi CLI built from its Go modules, and
// generates Go SDKs for `pulumi package add`. The release's own host of that name is not
// published on the Go module proxy, so this one implements the part of the LanguageRuntime
// protocol those commands use, the way the release's host does: it builds the program with
// `go build` and runs the binary with the engine's addresses and the stack's config in the
// environment variables github.com/pulumi/pulumi/sdk/v3/go/pulumi reads.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"pulumi-chatkit/cli/internal/langhost"
)

type host struct {
	*langhost.Base
}

func main() {
	h := &host{Base: &langhost.Base{Name: "pulumi-language-go"}}
	langhost.Main(h.Base, h)
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil, errors.New("could not find go on the PATH")
	}
	out, err := exec.CommandContext(ctx, goBin, "env", "GOVERSION").Output()
	if err != nil {
		return nil, fmt.Errorf("could not run go env GOVERSION: %w", err)
	}
	return &pulumirpc.AboutResponse{Executable: goBin, Version: strings.TrimPrefix(strings.TrimSpace(string(out)), "go")}, nil
}

// InstallDependencies tidies the program's module, which downloads what it requires.
func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	return langhost.InstallDependencies(req, server, func(ctx context.Context, dir string, stdout, stderr io.Writer) error {
		return langhost.RunIn(ctx, dir, stdout, stderr, "go", "mod", "tidy")
	})
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	dir := info.GetProgramDirectory()
	build, err := os.MkdirTemp("", "pulumi-go-program-")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	defer os.RemoveAll(build)
	program := filepath.Join(build, "program")
	var buildOutput strings.Builder
	if err := langhost.RunIn(ctx, dir, &buildOutput, &buildOutput, "go", "build", "-o", program, "."); err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("%v:\n%s", err, buildOutput.String())}, nil
	}
	configEnv, err := langhost.ConfigEnv(req.GetConfig(), req.GetConfigSecretKeys(), false)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	env := append(os.Environ(), configEnv...)
	env = append(env,
		"PULUMI_MONITOR="+req.GetMonitorAddress(),
		"PULUMI_ENGINE="+h.EngineAddress,
		"PULUMI_PROJECT="+req.GetProject(),
		"PULUMI_STACK="+req.GetStack(),
		"PULUMI_ORGANIZATION="+req.GetOrganization(),
		"PULUMI_ROOT_DIRECTORY="+info.GetRootDirectory(),
		"PULUMI_DRY_RUN="+strconv.FormatBool(req.GetDryRun()),
		"PULUMI_PARALLEL="+strconv.Itoa(int(req.GetParallel())),
	)
	if h.Tracing != "" {
		env = append(env, "PULUMI_TRACING="+h.Tracing)
	}
	err = h.RunChild(ctx, program, req.GetArgs(), env, dir, struct{ io.Writer }{os.Stdout}, struct{ io.Writer }{os.Stderr})
	return langhost.RunResponse(err, "go"), nil
}

// GeneratePackage writes a package's Go SDK, with a go.mod of its own so that a program's module
// can replace the SDK's import path with its folder.
func (h *host) GeneratePackage(
	ctx context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	return langhost.GeneratePackage(ctx, req, func(pkg *schema.Package, _ schema.ReferenceLoader) (map[string][]byte, error) {
		return gogen.GeneratePackage(h.Name, pkg, req.GetLocalDependencies())
	})
}

var moduleLine = regexp.MustCompile(`(?m)^module\s+(\S+)`)

// Link points the program's module at each generated SDK: a requirement of its module path,
// replaced by its folder (relative to the program), as the release's host does.
func (h *host) Link(ctx context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	return langhost.Link(req, func(sdk langhost.LinkedSDK) (string, error) {
		goMod, err := os.ReadFile(filepath.Join(sdk.Dir, "go.mod"))
		if err != nil {
			return "", fmt.Errorf("the generated SDK in %s has no go.mod: %w", sdk.Dir, err)
		}
		match := moduleLine.FindSubmatch(goMod)
		if match == nil {
			return "", fmt.Errorf("the go.mod in %s names no module", sdk.Dir)
		}
		module := string(match[1])
		var output strings.Builder
		dir := req.GetInfo().GetProgramDirectory()
		replace := fmt.Sprintf("-replace=%s=%s", module, sdk.FromProgram)
		if err := langhost.RunIn(ctx, dir, &output, &output, "go", "mod", "edit", "-require="+module+"@v0.0.0", replace); err != nil {
			return "", fmt.Errorf("%w: %s", err, strings.TrimSpace(output.String()))
		}
		return fmt.Sprintf("import %q", module+"/"+sdk.Package.GetName()), nil
	})
}
