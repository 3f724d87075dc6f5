package contract

import (
	"fmt"
	"strings"

	"github.com/heyhumm/humm-members-mock/fixtures"
)

// Verdicts of a rule in a run.
const (
	// RuleProven: a case that names the rule passed, and none failed.
	RuleProven = "proven"
	// RuleUnproven: no case that names the rule ran to the end (each was
	// skipped, found no data to prove it with, or was not selected).
	RuleUnproven = "unproven"
	// RuleFailed: a case that names the rule failed.
	RuleFailed = "failed"
)

// RuleResult is what a run proved of one rule of the rulebook.
type RuleResult struct {
	ID      string
	Verdict string
	// Cases are the cases behind the verdict: those that failed, or that
	// passed.
	Cases []string
	// Why, for an unproven rule, says why each case naming it did not
	// prove it.
	Why []string
}

// ruleCoverage judges every rule of the catalogue by the cases that name
// it, in the catalogue's order.
func ruleCoverage(rules []fixtures.Rule, results []CaseResult) []RuleResult {
	byRule := map[string][]CaseResult{}
	for _, c := range results {
		for _, id := range c.Rules {
			byRule[id] = append(byRule[id], c)
		}
	}
	out := make([]RuleResult, 0, len(rules))
	for _, r := range rules {
		rr := RuleResult{ID: r.ID, Verdict: RuleUnproven}
		var passed, failed []string
		for _, c := range byRule[r.ID] {
			switch c.result() {
			case "pass":
				passed = append(passed, c.Name)
			case "fail":
				failed = append(failed, c.Name)
			default:
				rr.Why = append(rr.Why, c.Name+" skipped: "+c.Skipped)
			}
		}
		switch {
		case len(failed) > 0:
			rr.Verdict, rr.Cases, rr.Why = RuleFailed, failed, nil
		case len(passed) > 0:
			rr.Verdict, rr.Cases, rr.Why = RuleProven, passed, nil
		case len(rr.Why) == 0:
			rr.Why = []string{"no case naming it was selected"}
		}
		out = append(out, rr)
	}
	return out
}

// CoverageText is the rule coverage as a run prints it: the counts, then
// each failed and each unproven rule with its cases or reason, then the
// proven ones.
func (r *Report) CoverageText() string {
	var b strings.Builder
	count := map[string]int{}
	var proven []string
	for _, rr := range r.Rules {
		count[rr.Verdict]++
		if rr.Verdict == RuleProven {
			proven = append(proven, rr.ID)
		}
	}
	fmt.Fprintf(&b, "rules: %d proven, %d unproven, %d failed\n", count[RuleProven], count[RuleUnproven], count[RuleFailed])
	for _, rr := range r.Rules {
		switch rr.Verdict {
		case RuleFailed:
			fmt.Fprintf(&b, "  failed   %s: %s\n", rr.ID, strings.Join(rr.Cases, ", "))
		case RuleUnproven:
			why := rr.Why[0]
			if len(rr.Why) > 1 {
				why += fmt.Sprintf(" (and %d more)", len(rr.Why)-1)
			}
			fmt.Fprintf(&b, "  unproven %s: %s\n", rr.ID, why)
		}
	}
	if len(proven) > 0 {
		// Continuation lines indented further, so that the list reads as one.
		lines := strings.Split(strings.TrimSuffix(wrap("proven: "+strings.Join(proven, ", "), 96), "\n"), "\n")
		b.WriteString("  " + strings.Join(lines, "\n    ") + "\n")
	}
	return b.String()
}

// wrap breaks text at spaces into lines of at most width characters
// (a longer word stays whole).
func wrap(text string, width int) string {
	var b strings.Builder
	line := 0
	for i, word := range strings.Split(text, " ") {
		if i > 0 && line+1+len(word) > width {
			b.WriteString("\n")
			line = 0
		} else if i > 0 {
			b.WriteString(" ")
			line++
		}
		b.WriteString(word)
		line += len(word)
	}
	return b.String() + "\n"
}
