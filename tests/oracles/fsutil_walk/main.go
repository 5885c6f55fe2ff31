// Prints the paths BuildKit's context walk sends: tonistiigi/fsutil's filtered walk with the
// patterns that patternmatcher/ignorefile reads from an ignore file.
package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"

	"github.com/moby/patternmatcher/ignorefile"
	"github.com/tonistiigi/fsutil"
)

func main() {
	root, ignorePath := os.Args[1], os.Args[2]
	file, err := os.Open(ignorePath)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	excludes, err := ignorefile.ReadAll(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	err = fsutil.Walk(context.Background(), root, &fsutil.FilterOpt{ExcludePatterns: excludes},
		func(path string, info fs.FileInfo, err error) error {
			if err != nil {
				return err
			}
			fmt.Println(path)
			return nil
		})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
