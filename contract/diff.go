package contract

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"

	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// Drift is what changed for clients between two versions of the spec, as
// oasdiff's checker judges it, with the fixture cases each change affects.
type Drift struct {
	Old, New string
	// Changes are oasdiff's findings of level warning and above, in its
	// order; Level "error" is a breaking change.
	Changes []DriftChange
}

// DriftChange is one finding of oasdiff's checker.
type DriftChange struct {
	// Level is "error" (breaking) or "warning" (may break).
	Level string
	// ID is oasdiff's rule id, such as api-removed-without-deprecation.
	ID   string
	Text string
	// Method, Path and OperationID locate the operation concerned, in the
	// old version when it had it; empty for a change of the document as a
	// whole.
	Method, Path, OperationID string
	// Affected are the cases with a step that calls the operation.
	Affected []AffectedCase
}

// AffectedCase is a fixture case that calls an operation a change touches.
type AffectedCase struct {
	File string
	Line int
	Name string
	// Steps are the names of the case's steps that call it.
	Steps []string
}

// Breaking is how many changes break clients.
func (d *Drift) Breaking() int {
	n := 0
	for _, c := range d.Changes {
		if c.Level == checker.ERR.String() {
			n++
		}
	}
	return n
}

// Diff compares two versions of the spec with oasdiff's checker and names,
// for each change, the cases of suite whose steps call the operation it
// touches. Each step is routed through the old version (its path template
// with any id, and its method) to find the operation it calls.
//
// Both versions are first rewritten into one form (see canonical), so that
// what differs only in how it is written (OpenAPI 3.0 or 3.1, FastAPI's
// shapes or hand-written ones) is no change. A 401, 403 or 404 that one
// version documents and the other does not is no change either: the
// service's stack answers them on any operation and FastAPI never
// documents them; oasdiff rates a non-success status removed or added as
// info, below what Drift lists, and Diff keeps that rating. Where both
// versions document one, its content is compared as any other response's.
func Diff(oldSpec, newSpec *spec.Spec, oldName, newName string, suite *fixtures.Suite) (*Drift, error) {
	callers := stepOperations(oldSpec, suite)

	base, err := canonical(oldSpec.Raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", oldName, err)
	}
	revision, err := canonical(newSpec.Raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", newName, err)
	}

	config := diff.NewConfig()
	d, sources, err := diff.GetWithOperationsSourcesMap(config,
		&load.SpecInfo{Url: oldName, Spec: base, Version: base.Info.Version},
		&load.SpecInfo{Url: newName, Spec: revision, Version: revision.Info.Version})
	if err != nil {
		return nil, fmt.Errorf("diff %s %s: %w", oldName, newName, err)
	}
	changes := checker.CheckBackwardCompatibilityUntilLevel(checker.NewConfig(checker.GetAllChecks()), d, sources, checker.WARN)

	localizer := checker.NewDefaultLocalizer()
	drift := &Drift{Old: oldName, New: newName}
	for _, c := range changes {
		dc := DriftChange{
			Level:  c.GetLevel().String(),
			ID:     c.GetId(),
			Text:   c.GetUncolorizedText(localizer),
			Method: c.GetOperation(),
			Path:   c.GetPath(),
		}
		// The old version's operationId: the cases were routed through it,
		// and the new version may name the operation otherwise (FastAPI's
		// default ids).
		if dc.Method != "" {
			if route := oldSpec.Doc.Paths.Find(dc.Path); route != nil {
				if op := route.GetOperation(dc.Method); op != nil {
					dc.OperationID = op.OperationID
				}
			}
		}
		if dc.OperationID == "" {
			dc.OperationID = c.GetOperationId()
		}
		if dc.OperationID != "" {
			dc.Affected = callers[dc.OperationID]
		}
		drift.Changes = append(drift.Changes, dc)
	}
	return drift, nil
}

var templatePlaceholder = regexp.MustCompile(`\{[^}]*\}`)

// stepOperations maps each operationId of the spec to the cases whose
// steps call it, in suite order. Steps the spec does not route (the 404
// and 405 cases) call nothing.
func stepOperations(sp *spec.Spec, suite *fixtures.Suite) map[string][]AffectedCase {
	callers := map[string][]AffectedCase{}
	for _, c := range suite.Cases {
		byOp := map[string][]string{}
		var order []string
		for _, s := range slices.Concat(c.Steps, c.Cleanup) {
			path := templatePlaceholder.ReplaceAllString(s.Path.Source, "3c90c3cc-0d44-4b50-8888-8dd25736052a")
			req, err := http.NewRequest(s.Method, path, nil)
			if err != nil {
				continue
			}
			route, _, err := sp.FindRoute(req)
			if err != nil || route.Operation == nil || route.Operation.OperationID == "" {
				continue
			}
			id := route.Operation.OperationID
			if _, seen := byOp[id]; !seen {
				order = append(order, id)
			}
			if !slices.Contains(byOp[id], s.Name) {
				byOp[id] = append(byOp[id], s.Name)
			}
		}
		for _, id := range order {
			callers[id] = append(callers[id], AffectedCase{File: c.File, Line: c.Line, Name: c.Name, Steps: byOp[id]})
		}
	}
	for id := range callers {
		slices.SortStableFunc(callers[id], func(a, b AffectedCase) int {
			return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
		})
	}
	return callers
}

// Write prints the drift for a reader: each change, the operation it
// touches and the cases to look at, then a summary line.
func (d *Drift) Write(w io.Writer) error {
	var b strings.Builder
	for _, c := range d.Changes {
		fmt.Fprintf(&b, "%s %s\n", strings.ToUpper(c.Level), c.ID)
		if c.Method != "" {
			fmt.Fprintf(&b, "  %s %s", c.Method, c.Path)
			if c.OperationID != "" {
				fmt.Fprintf(&b, " (%s)", c.OperationID)
			}
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "  %s\n", c.Text)
		switch {
		case c.OperationID == "":
			b.WriteString("  not tied to one operation: review the whole suite\n")
		case len(c.Affected) == 0:
			b.WriteString("  no fixture calls this operation\n")
		default:
			fmt.Fprintf(&b, "  %d fixture cases call it:\n", len(c.Affected))
			for _, a := range c.Affected {
				fmt.Fprintf(&b, "    %s:%d %s (steps: %s)\n", a.File, a.Line, a.Name, strings.Join(a.Steps, ", "))
			}
		}
		b.WriteString("\n")
	}
	warnings := len(d.Changes) - d.Breaking()
	fmt.Fprintf(&b, "%s -> %s: %d breaking, %d warnings\n", d.Old, d.New, d.Breaking(), warnings)
	_, err := io.WriteString(w, b.String())
	return err
}
