// Prints what Compose v2's own loader (compose-spec/compose-go) reads from one compose file:
// each named service's environment and the target port of its first `ports` entry, as JSON.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

type service struct {
	Environment map[string]*string `json:"environment"`
	Port        uint32             `json:"port"`
}

func main() {
	path, _ := filepath.Abs(os.Args[1])
	details := types.ConfigDetails{
		WorkingDir:  filepath.Dir(path),
		ConfigFiles: []types.ConfigFile{{Filename: path}},
		Environment: map[string]string{},
	}
	project, err := loader.LoadWithContext(context.Background(), details, func(o *loader.Options) {
		o.SetProjectName("oracle", true)
		o.SkipConsistencyCheck = true
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out := map[string]service{}
	for name, s := range project.Services {
		entry := service{Environment: map[string]*string(s.Environment)}
		if len(s.Ports) > 0 {
			entry.Port = s.Ports[0].Target
		}
		out[name] = entry
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
