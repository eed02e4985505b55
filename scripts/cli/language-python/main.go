// Command pulumi-language-python runs the Python programs of a Pulumi CLI built from its Go
// modules. The release's own host of that name is not published on the Go module proxy, so
// this one implements the part of the LanguageRuntime protocol that `pulumi install`, `up`,
// `preview`, `refresh` and `destroy` use, the way the release's host does: it runs the
// sdk/v3 module's `pulumi-language-python-exec` script (copied beside this host when the CLI is
// built) with the program's Python, the virtualenv's that the runtime option `virtualenv` names,
// else python3 from the PATH, passing the stack's config in PULUMI_CONFIG. Only the pip
// toolchain is supported.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	python "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"pulumi-chatkit/cli/internal/langhost"
)

// The script that runs a program, beside this host.
const execScript = "pulumi-language-python-exec"

type host struct {
	*langhost.Base
}

func main() {
	h := &host{Base: &langhost.Base{Name: "pulumi-language-python"}}
	langhost.Main(h.Base, h)
}

type options struct {
	// The virtualenv's folder, absolute; empty for python3 from the PATH.
	virtualenv string
}

// parseOptions reads the `runtime.options` of Pulumi.yaml.
func parseOptions(raw map[string]any, programDir string) (options, error) {
	var opts options
	if value, ok := raw["toolchain"]; ok {
		toolchain, isString := value.(string)
		if !isString || (toolchain != "pip" && toolchain != "") {
			return opts, fmt.Errorf("runtime option toolchain: only pip is supported by this host, not %v", value)
		}
	}
	if value, ok := raw["virtualenv"]; ok {
		virtualenv, isString := value.(string)
		if !isString {
			return opts, errors.New("runtime option virtualenv must be a string")
		}
		if virtualenv != "" && !filepath.IsAbs(virtualenv) {
			virtualenv = filepath.Join(programDir, virtualenv)
		}
		opts.virtualenv = virtualenv
	}
	return opts, nil
}

// python is the interpreter programs run with, and the environment that selects its virtualenv.
func (opts options) python() (string, []string, error) {
	if opts.virtualenv == "" {
		python, err := systemPython()
		return python, nil, err
	}
	python := filepath.Join(opts.virtualenv, "bin", "python")
	if _, err := os.Stat(python); err != nil {
		return "", nil, fmt.Errorf(
			"the virtual environment %s does not exist (or has no bin/python). Have you run pulumi install?", opts.virtualenv)
	}
	bin := filepath.Join(opts.virtualenv, "bin")
	return python, []string{"VIRTUAL_ENV=" + opts.virtualenv, "PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")}, nil
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	opts, err := parseOptions(h.RuntimeOptions(req.GetInfo().GetOptions().AsMap()), req.GetInfo().GetProgramDirectory())
	if err != nil {
		return nil, err
	}
	python, _, err := opts.python()
	if err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, python, "--version").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("could not run %s --version: %w", python, err)
	}
	return &pulumirpc.AboutResponse{
		Executable: python,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "Python "),
	}, nil
}

// The packages installed for the program, for `pulumi about`.
func (h *host) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	opts, err := parseOptions(h.RuntimeOptions(req.GetInfo().GetOptions().AsMap()), req.GetInfo().GetProgramDirectory())
	if err != nil {
		return nil, err
	}
	python, env, err := opts.python()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, python, "-m", "pip", "list", "--format=json", "--disable-pip-version-check")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("could not list the installed packages with pip: %w", err)
	}
	var packages []struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := json.Unmarshal(out, &packages); err != nil {
		return nil, fmt.Errorf("could not read pip list's output: %w", err)
	}
	response := &pulumirpc.GetProgramDependenciesResponse{}
	for _, p := range packages {
		response.Dependencies = append(response.Dependencies, &pulumirpc.DependencyInfo{Name: p.Name, Version: p.Version})
	}
	return response, nil
}

// InstallDependencies creates the virtualenv if it is missing and installs requirements.txt
// into it (or into python3's own site when no virtualenv is named).
func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	return langhost.InstallDependencies(req, server, func(ctx context.Context, dir string, stdout, stderr io.Writer) error {
		opts, err := parseOptions(h.RuntimeOptions(req.GetInfo().GetOptions().AsMap()), dir)
		if err != nil {
			return err
		}
		// Each command is echoed first, so the user sees which step the output belongs to.
		run := func(program string, args ...string) error {
			fmt.Fprintf(stdout, "%s %s\n", program, strings.Join(args, " "))
			return langhost.RunIn(ctx, dir, stdout, stderr, program, args...)
		}
		if opts.virtualenv != "" {
			if _, _, err := opts.python(); err != nil {
				base, err := systemPython()
				if err != nil {
					return err
				}
				if err := run(base, "-m", "venv", opts.virtualenv); err != nil {
					return err
				}
			}
		}
		python, _, err := opts.python()
		if err != nil {
			return err
		}
		requirements := filepath.Join(dir, "requirements.txt")
		if _, err := os.Stat(requirements); err == nil {
			return run(python, "-m", "pip", "install", "--disable-pip-version-check", "-r", requirements)
		}
		return nil
	})
}

// systemPython is python3 (or python) from the PATH.
func systemPython() (string, error) {
	for _, name := range []string{"python3", "python"} {
		if found, err := exec.LookPath(name); err == nil {
			return found, nil
		}
	}
	return "", errors.New("could not find python3 on the PATH")
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	dir := info.GetProgramDirectory()
	opts, err := parseOptions(h.RuntimeOptions(info.GetOptions().AsMap()), dir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	python, pythonEnv, err := opts.python()
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	self, err := os.Executable()
	if err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not find this host's folder: %v", err)}, nil
	}
	script := filepath.Join(filepath.Dir(self), execScript)
	if _, err := os.Stat(script); err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("%s is not beside the language host: %v", execScript, err)}, nil
	}
	configEnv, err := langhost.ConfigEnv(req.GetConfig(), req.GetConfigSecretKeys(), false)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	args := append([]string{"-u", script}, h.RunFlags(req, "_", "--dry_run", "true")...)
	program := info.GetEntryPoint()
	if program == "" {
		program = "."
	}
	if !filepath.IsAbs(program) {
		program = filepath.Join(dir, program)
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	env := append(os.Environ(), configEnv...)
	env = append(env, pythonEnv...)
	err = h.RunChild(ctx, python, args, env, dir, struct{ io.Writer }{os.Stdout}, struct{ io.Writer }{os.Stderr})
	return langhost.RunResponse(err, python), nil
}

// GeneratePackage writes a package's Python SDK (what `pulumi package add` installs).
func (h *host) GeneratePackage(
	ctx context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	return langhost.GeneratePackage(ctx, req, func(pkg *schema.Package, loader schema.ReferenceLoader) (map[string][]byte, error) {
		return python.GeneratePackage(h.Name, pkg, req.GetExtraFiles(), loader)
	})
}

// Link adds each generated SDK's folder to requirements.txt (relative to the program, once), so
// that InstallDependencies installs it into the program's Python, as the release's host does.
func (h *host) Link(ctx context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	file := filepath.Join(dir, "requirements.txt")
	text, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(string(text), "\r\n", "\n"), "\n"), "\n")
	if len(text) == 0 {
		lines = nil
	}
	response, err := langhost.Link(req, func(sdk langhost.LinkedSDK) (string, error) {
		requirement := sdk.FromProgram
		if !slices.ContainsFunc(lines, func(line string) bool { return sameRequirement(line, requirement) }) {
			lines = append(lines, requirement)
		}
		name := sdk.Package.GetName()
		return fmt.Sprintf("import pulumi_%s as %s", strings.ReplaceAll(name, "-", "_"), name), nil
	})
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		return nil, err
	}
	return response, nil
}

// sameRequirement is whether a requirements.txt line names the folder, however it is written
// (`./sdks/chatkit`, `sdks/chatkit/`, with a comment after it).
func sameRequirement(line, folder string) bool {
	line, _, _ = strings.Cut(line, "#")
	clean := func(path string) string { return filepath.Clean(strings.TrimSpace(path)) }
	return clean(line) == clean(folder)
}
