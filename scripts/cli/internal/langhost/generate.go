package langhost

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	codegenrpc "github.com/pulumi/pulumi/sdk/v3/proto/go/codegen"
)

// Generator writes one language's SDK of a bound package: file names relative to the SDK's folder.
type Generator func(pkg *schema.Package, loader schema.ReferenceLoader) (map[string][]byte, error)

// GeneratePackage answers the CLI's GeneratePackage (what `pulumi package add` and
// `pulumi package gen-sdk` call): it binds the schema the request carries, with the engine's
// schema loader for any package it refers to, and writes the generator's files into the
// request's folder. Schema errors go back as diagnostics, the way the CLI shows them.
func GeneratePackage(
	_ context.Context, req *pulumirpc.GeneratePackageRequest, generate Generator,
) (*pulumirpc.GeneratePackageResponse, error) {
	loader, err := schema.NewLoaderClient(req.GetLoaderTarget())
	if err != nil {
		return nil, fmt.Errorf("could not reach the engine's schema loader: %w", err)
	}
	defer loader.Close()
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.GetSchema()), &spec); err != nil {
		return nil, fmt.Errorf("the package schema is not valid JSON: %w", err)
	}
	cached := schema.NewCachedLoader(loader)
	pkg, diags, err := schema.BindSpec(spec, cached, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	response := &pulumirpc.GeneratePackageResponse{}
	for _, diag := range diags {
		response.Diagnostics = append(response.Diagnostics, &codegenrpc.Diagnostic{
			Severity: codegenrpc.DiagnosticSeverity(diag.Severity),
			Summary:  diag.Summary,
			Detail:   diag.Detail,
		})
	}
	if diags.HasErrors() {
		return response, nil
	}
	files, err := generate(pkg, cached)
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		path := filepath.Join(req.GetDirectory(), name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return nil, err
		}
	}
	return response, nil
}

// LinkedSDK is a generated SDK a Link request names: its package, its folder, and that folder
// from the program's ("./sdks/chatkit", with slashes).
type LinkedSDK struct {
	Package     *pulumirpc.PackageDependency
	Dir         string
	FromProgram string
}

// Link answers the CLI's Link (what `pulumi package add` calls after GeneratePackage): link adds
// one SDK to the program and returns the line with which a program imports it.
func Link(req *pulumirpc.LinkRequest, link func(sdk LinkedSDK) (string, error)) (*pulumirpc.LinkResponse, error) {
	sdks, err := sdksToLink(req)
	if err != nil {
		return nil, err
	}
	var instructions []string
	for _, sdk := range sdks {
		instruction, err := link(sdk)
		if err != nil {
			return nil, err
		}
		instructions = append(instructions, instruction)
	}
	return &pulumirpc.LinkResponse{ImportInstructions: strings.Join(instructions, "\n")}, nil
}

// sdksToLink resolves the SDKs of a Link request: the CLI gives each folder relative to the
// project's root (where Pulumi.yaml is), which may differ from the program's folder.
func sdksToLink(req *pulumirpc.LinkRequest) ([]LinkedSDK, error) {
	program := req.GetInfo().GetProgramDirectory()
	root := req.GetInfo().GetRootDirectory()
	if root == "" {
		root = program
	}
	var sdks []LinkedSDK
	for _, dep := range req.GetPackages() {
		dir := dep.GetPath()
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(root, dir)
		}
		rel, err := filepath.Rel(program, dir)
		if err != nil {
			return nil, err
		}
		sdks = append(sdks, LinkedSDK{Package: dep.GetPackage(), Dir: dir, FromProgram: "./" + filepath.ToSlash(rel)})
	}
	return sdks, nil
}
