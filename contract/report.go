package contract

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// Report is the outcome of a run, cases in suite order.
type Report struct {
	Cases  []CaseResult
	Passed int
	Failed int
	// Skipped counts the cases that need a key the profile leaves out.
	Skipped int
	// Rules is every rule of the suite's catalogue with what the run
	// proved of it, in the catalogue's order.
	Rules []RuleResult
	// Unprovable are the needs of the cases that the target's data does
	// not meet, found before the cases ran: how far a green run goes.
	Unprovable []Unprovable
	Duration   time.Duration
}

// DataText is the data check as a run prints it: each clause the
// target's data cannot prove, with the data that would.
func (r *Report) DataText() string {
	if len(r.Unprovable) == 0 {
		return "data: the target's data meets every need the cases declare\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "data: %d clauses this target's data cannot prove, and the data that would:\n", len(r.Unprovable))
	for _, u := range r.Unprovable {
		fmt.Fprintf(&b, "  %s\n", u.Text())
	}
	return b.String()
}

// CaseResult is the outcome of one case.
type CaseResult struct {
	Name   string
	File   string
	Line   int
	Rules  []string
	Passed bool
	// Skipped, when not empty, says why the case proved nothing on this
	// target (Passed is false, and it did not fail): the keys of the
	// profile it needs and did not get (it did not run), or, starting
	// "no data: ", the data the target lacks for it (a precondition,
	// requires or pick not met). Its rules are unproven by it.
	Skipped  string
	Duration time.Duration
	// Steps are the steps that ran, cleanup included.
	Steps []StepResult
}

// StepResult is one request and what was wrong with its response. Nothing
// in it carries a token.
type StepResult struct {
	Name    string
	Line    int
	Cleanup bool
	Method  string
	URL     string
	Status  int
	// Body is the response body as received.
	Body string
	// Curl replays the request, tokens read from TOKEN_<ROLE> variables.
	Curl string
	// Failures are the differences from the fixture and the spec.
	Failures []string
	// Skipped says why a cleanup step did not run.
	Skipped string
	// NoData, when set, says what the target's data lacks for the case
	// to prove its rules (a requires or a pick not met): the case is
	// skipped, "no data".
	NoData string
	// NotInDocument, when set, says why the step cannot be sent to the
	// document the run checks (it is about a credential the document does
	// not use): the case is skipped.
	NotInDocument string
}

// Summary is the closing line of a run.
func (r *Report) Summary() string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped", r.Passed, r.Failed, r.Skipped)
}

// text is a case's progress line, followed, for a failure, by what went
// wrong and a curl per step to replay the flow.
func (c CaseResult) text() string {
	if c.Skipped != "" {
		return fmt.Sprintf("SKIP %s: %s\n", c.Name, c.Skipped)
	}
	verdict := "PASS"
	if !c.Passed {
		verdict = "FAIL"
	}
	line := fmt.Sprintf("%s %s %s\n", verdict, c.Name, c.Duration.Round(time.Millisecond))
	if c.Passed {
		return line
	}
	return line + indent(c.failureText(), "    ")
}

// failureText explains a failed case.
func (c CaseResult) failureText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d covers %s\n", c.File, c.Line, strings.Join(c.Rules, ", "))
	for _, s := range c.Steps {
		if len(s.Failures) == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s %s %s -> %s\n", s.label(), s.Method, s.URL, statusText(s.Status))
		for _, f := range s.Failures {
			fmt.Fprintf(&b, "  %s\n", f)
		}
		if s.Status != 0 {
			fmt.Fprintf(&b, "  response body: %s\n", shorten(s.Body))
		}
	}
	b.WriteString("replay (export the TOKEN_* variables first):\n")
	for _, s := range c.Steps {
		switch {
		case s.Skipped != "":
			fmt.Fprintf(&b, "  # %s skipped: %s\n", s.label(), s.Skipped)
		case s.Curl != "":
			fmt.Fprintf(&b, "  # %s\n  %s\n", s.label(), s.Curl)
		}
	}
	return b.String()
}

func (s StepResult) label() string {
	kind := "step"
	if s.Cleanup {
		kind = "cleanup step"
	}
	return fmt.Sprintf("%s %q (line %d)", kind, s.Name, s.Line)
}

func statusText(status int) string {
	if status == 0 {
		return "no response"
	}
	return fmt.Sprintf("%d %s", status, http.StatusText(status))
}

func shorten(body string) string {
	body = strings.TrimSpace(body)
	if body == "" {
		return "(empty)"
	}
	if len(body) > maxShownBody {
		return body[:maxShownBody] + "…"
	}
	return body
}

func indent(text, prefix string) string {
	lines := strings.SplitAfter(strings.TrimSuffix(text, "\n"), "\n")
	return prefix + strings.Join(lines, prefix) + "\n"
}

// curl is a copy-paste command that replays the request: captures filled
// in, the token read from the environment.
func (r *request) curl(baseURL string, cred spec.Credential) string {
	parts := []string{"curl -sS -i", "-X " + r.method, shellQuote(baseURL + r.target)}
	if r.asRole != fixtures.NoToken {
		// Double quotes, so that the shell expands the variable.
		variable := "${" + tokenVariable(r.asRole) + "}"
		switch {
		case cred.Bearer:
			parts = append(parts, `-H "Authorization: Bearer `+variable+`"`)
		case cred.In == openapi3.ParameterInQuery:
			parts[2] += `"` + querySeparator(r.target) + cred.Name + "=" + variable + `"`
		case cred.In == openapi3.ParameterInCookie:
			parts = append(parts, `-H "Cookie: `+cred.Name+"="+variable+`"`)
		default:
			parts = append(parts, `-H "`+cred.Name+": "+variable+`"`)
		}
	}
	names := make([]string, 0, len(r.header))
	for name := range r.header {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		parts = append(parts, "-H "+shellQuote(name+": "+r.header.Get(name)))
	}
	switch {
	case r.padded > 0:
		// The body is too long to paste, or even to pass as an argument:
		// the shell rebuilds it and pipes it in.
		prefix := fmt.Sprintf(`{ printf '{"pad":"'; head -c %d /dev/zero | tr '\0' a; printf '"}'; } | `, r.padded-len(`{"pad":""}`))
		return prefix + strings.Join(append(parts, "--data-binary @-"), " ")
	case r.body != nil:
		parts = append(parts, "--data-binary "+shellQuote(string(r.body)))
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// WriteJSON writes the report as JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	type jsonStep struct {
		Name     string   `json:"name"`
		Cleanup  bool     `json:"cleanup,omitempty"`
		Method   string   `json:"method"`
		URL      string   `json:"url,omitempty"`
		Status   int      `json:"status,omitempty"`
		Curl     string   `json:"curl,omitempty"`
		Failures []string `json:"failures,omitempty"`
		Skipped  string   `json:"skipped,omitempty"`
	}
	type jsonRule struct {
		ID    string   `json:"id"`
		Cases []string `json:"cases,omitempty"`
		Why   []string `json:"why,omitempty"`
	}
	// The rule coverage: which rules the run proved, which it could not
	// (and why), which failed (and in which cases).
	type jsonRules struct {
		Proven   []string   `json:"proven"`
		Unproven []jsonRule `json:"unproven"`
		Failed   []jsonRule `json:"failed"`
	}
	type jsonUnprovable struct {
		Case  string   `json:"case"`
		Rules []string `json:"rules"`
		Step  string   `json:"step"`
		Needs string   `json:"needs"`
		Found string   `json:"found"`
	}
	type jsonCase struct {
		Name       string     `json:"name"`
		File       string     `json:"file"`
		Line       int        `json:"line"`
		Rules      []string   `json:"rules"`
		Result     string     `json:"result"`
		Skipped    string     `json:"skipped,omitempty"`
		DurationMS int64      `json:"duration_ms"`
		Steps      []jsonStep `json:"steps"`
	}
	out := struct {
		Passed     int       `json:"passed"`
		Failed     int       `json:"failed"`
		Skipped    int       `json:"skipped"`
		DurationMS int64     `json:"duration_ms"`
		Rules      jsonRules `json:"rules"`
		// Unprovable: what the target's data cannot prove (the data check).
		Unprovable []jsonUnprovable `json:"unprovable"`
		Cases      []jsonCase       `json:"cases"`
	}{Passed: r.Passed, Failed: r.Failed, Skipped: r.Skipped, DurationMS: r.Duration.Milliseconds(), Cases: []jsonCase{},
		Rules: jsonRules{Proven: []string{}, Unproven: []jsonRule{}, Failed: []jsonRule{}}, Unprovable: []jsonUnprovable{}}
	for _, u := range r.Unprovable {
		out.Unprovable = append(out.Unprovable, jsonUnprovable(u))
	}
	for _, rr := range r.Rules {
		switch rr.Verdict {
		case RuleProven:
			out.Rules.Proven = append(out.Rules.Proven, rr.ID)
		case RuleUnproven:
			out.Rules.Unproven = append(out.Rules.Unproven, jsonRule{ID: rr.ID, Why: rr.Why})
		case RuleFailed:
			out.Rules.Failed = append(out.Rules.Failed, jsonRule{ID: rr.ID, Cases: rr.Cases})
		}
	}
	for _, c := range r.Cases {
		jc := jsonCase{Name: c.Name, File: c.File, Line: c.Line, Rules: c.Rules, Result: c.result(), Skipped: c.Skipped, DurationMS: c.Duration.Milliseconds()}
		for _, s := range c.Steps {
			jc.Steps = append(jc.Steps, jsonStep{Name: s.Name, Cleanup: s.Cleanup, Method: s.Method, URL: s.URL, Status: s.Status, Curl: s.Curl, Failures: s.Failures, Skipped: s.Skipped})
		}
		out.Cases = append(out.Cases, jc)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteJUnit writes the report as JUnit XML, a test suite per fixture
// file, for CI systems to show.
func (r *Report) WriteJUnit(w io.Writer) error {
	type failure struct {
		Message string `xml:"message,attr"`
		// CDATA keeps the text as printed: quotes and line breaks intact.
		Text string `xml:",cdata"`
	}
	type skipped struct {
		Message string `xml:"message,attr"`
	}
	type testCase struct {
		Name      string   `xml:"name,attr"`
		Classname string   `xml:"classname,attr"`
		Time      string   `xml:"time,attr"`
		Failure   *failure `xml:"failure,omitempty"`
		Skipped   *skipped `xml:"skipped,omitempty"`
	}
	type testSuite struct {
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Skipped  int        `xml:"skipped,attr,omitempty"`
		Time     string     `xml:"time,attr"`
		Cases    []testCase `xml:"testcase"`
		duration time.Duration
	}
	type testSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Skipped  int          `xml:"skipped,attr,omitempty"`
		Time     string       `xml:"time,attr"`
		Suites   []*testSuite `xml:"testsuite"`
	}
	seconds := func(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
	out := testSuites{Name: "humm-contract", Tests: len(r.Cases), Failures: r.Failed, Skipped: r.Skipped, Time: seconds(r.Duration)}
	byFile := map[string]*testSuite{}
	for _, c := range r.Cases {
		s := byFile[c.File]
		if s == nil {
			s = &testSuite{Name: c.File}
			byFile[c.File] = s
			out.Suites = append(out.Suites, s)
		}
		tc := testCase{Name: c.Name, Classname: strings.TrimSuffix(path.Base(c.File), ".yaml"), Time: seconds(c.Duration)}
		switch c.result() {
		case "skip":
			s.Skipped++
			tc.Skipped = &skipped{Message: c.Skipped}
		case "fail":
			s.Failures++
			tc.Failure = &failure{Message: c.firstFailure(), Text: c.failureText()}
		}
		s.Tests++
		s.duration += c.Duration
		s.Time = seconds(s.duration)
		s.Cases = append(s.Cases, tc)
	}
	// The data check's unmet needs, each a skipped test naming the data
	// that would prove its case's rules, in a suite of their own.
	if len(r.Unprovable) > 0 {
		s := &testSuite{Name: "data", Time: seconds(0)}
		for _, u := range r.Unprovable {
			s.Tests++
			s.Skipped++
			s.Cases = append(s.Cases, testCase{Name: u.Case + " " + u.Step, Classname: "data", Time: seconds(0),
				Skipped: &skipped{Message: u.Text()}})
		}
		out.Tests += s.Tests
		out.Skipped += s.Skipped
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// result is the case's verdict as reports write it: pass, fail or skip.
func (c CaseResult) result() string {
	switch {
	case c.Skipped != "":
		return "skip"
	case c.Passed:
		return "pass"
	}
	return "fail"
}

func (c CaseResult) firstFailure() string {
	for _, s := range c.Steps {
		if len(s.Failures) > 0 {
			return fmt.Sprintf("step %q: %s", s.Name, s.Failures[0])
		}
	}
	return ""
}
