// Package contract replays the fixture suite against any implementation of
// the organization-members API and reports every way it disagrees with
// openapi.yaml and the behaviour the cases pin down.
package contract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/heyhumm/humm-members-mock/fixtures"
	"github.com/heyhumm/humm-members-mock/internal/spec"
)

// Config is one run of the suite.
type Config struct {
	Profile *Profile
	Suite   *fixtures.Suite
	Spec    *spec.Spec
	// Run, when set, keeps the cases whose names it matches.
	Run *regexp.Regexp
	// Shard keeps one of Shard.Count slices of the cases (zero: all).
	Shard Shard
	// Parallel is how many cases run at once (at least 1); the steps of a
	// case always run in order.
	Parallel int
	// Timeout bounds each request (zero: no bound but the context's).
	Timeout time.Duration
	// Progress receives a line per case as it finishes, with the details of
	// a failure, then the rule coverage and the closing summary line (nil:
	// nothing is written).
	Progress io.Writer
	// StrictProfile makes a case that needs a key the profile leaves out
	// an error that stops the run, instead of a skipped case.
	StrictProfile bool
	// Now is the clock for durations and for @now (nil: time.Now).
	Now func() time.Time
	// ClockSkew is how far a server time checked with @now may lie outside
	// its step's exchange on Now (zero: DefaultClockSkew).
	ClockSkew time.Duration
	// DataOnly checks what the target's data can prove and runs no case
	// (the report holds Unprovable and nothing else).
	DataOnly bool
}

// Shard is the Index-th (1-based) of Count slices of the suite.
type Shard struct{ Index, Count int }

// ParseShard reads "I/N".
func ParseShard(s string) (Shard, error) {
	var sh Shard
	if _, err := fmt.Sscanf(s, "%d/%d", &sh.Index, &sh.Count); err != nil || sh.Count < 1 || sh.Index < 1 || sh.Index > sh.Count || fmt.Sprintf("%d/%d", sh.Index, sh.Count) != s {
		return Shard{}, fmt.Errorf("shard %q: want I/N with 1 <= I <= N", s)
	}
	return sh, nil
}

// Select returns the cases to run: those Run matches, then every
// Shard.Count-th of them, so that shards 1..N run each case exactly once.
func (c *Config) Select() []fixtures.Case {
	var selected []fixtures.Case
	for _, fc := range c.Suite.Cases {
		if c.Run == nil || c.Run.MatchString(fc.Name) {
			selected = append(selected, fc)
		}
	}
	if c.Shard.Count <= 1 {
		return selected
	}
	var shard []fixtures.Case
	for i, fc := range selected {
		if i%c.Shard.Count == c.Shard.Index-1 {
			shard = append(shard, fc)
		}
	}
	return shard
}

// Run checks that the target is reachable, runs the selected cases and
// returns their results in suite order. A case that needs a key the
// profile leaves out is skipped, the key named (with StrictProfile, it is
// an error). An error means the run could not start (unreachable target,
// a strict profile too small for the suite) or was interrupted; failed
// cases are in the report, not in the error.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Spec == nil {
		sp, err := spec.Embedded()
		if err != nil {
			return nil, err
		}
		cfg.Spec = sp
	}
	r := &runner{cfg: cfg, client: &http.Client{Timeout: cfg.Timeout,
		// A redirect is an answer to check (a trailing slash is a 307), not one to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, mask: cfg.Profile.masker(), now: cfg.Now}
	if r.now == nil {
		r.now = time.Now
	}
	if reference, err := spec.Embedded(); err == nil {
		r.documents = newDocumentMap(reference, cfg.Spec)
	}
	cases := cfg.Select()
	if len(cases) == 0 {
		// Most likely a mistyped pattern: a run that checks nothing must not
		// pass for one that checked everything.
		return nil, errors.New("no case selected: check the run pattern and the shard")
	}
	lacking := make([]string, len(cases))
	for i, c := range cases {
		lacking[i] = cfg.Profile.lacks(c)
		if lacking[i] != "" && cfg.StrictProfile {
			return nil, fmt.Errorf("case %s cannot run: %s", c.Name, lacking[i])
		}
		if why := r.documents.missing(c); lacking[i] == "" && why != "" {
			lacking[i] = "not in the document: " + why
		}
		if lacking[i] == "" {
			lacking[i] = specLacks(cfg.Spec, cfg.Profile, c, r.documents.path)
		}
	}
	if err := r.probe(ctx); err != nil {
		return nil, err
	}
	// Before any case writes: what the target's data cannot prove.
	unprovable := r.checkData(ctx, cases, lacking)
	if cfg.DataOnly {
		report := &Report{Unprovable: unprovable}
		if cfg.Progress != nil {
			fmt.Fprint(cfg.Progress, report.DataText())
		}
		return report, ctx.Err()
	}
	r.pool = newCandidatePool(cfg.Profile.CandidateUserIDs)

	start := r.now()
	results := make([]CaseResult, len(cases))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(cfg.Parallel, 1) {
		wg.Go(func() {
			for i := range next {
				if lacking[i] != "" {
					results[i] = CaseResult{Name: cases[i].Name, File: cases[i].File, Line: cases[i].Line, Rules: cases[i].Rules, Skipped: lacking[i]}
				} else {
					results[i] = r.runCase(ctx, cases[i])
				}
				r.progress(results[i])
			}
		})
	}
dispatch:
	for i := range cases {
		select {
		case next <- i:
		case <-ctx.Done():
			break dispatch
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		// The cases that had started have cleaned up; the others never ran.
		return nil, fmt.Errorf("run interrupted: %w", err)
	}

	report := &Report{Cases: results, Rules: ruleCoverage(cfg.Suite.Rules, results), Unprovable: unprovable, Duration: r.now().Sub(start)}
	for _, c := range results {
		switch {
		case c.Skipped != "":
			report.Skipped++
		case c.Passed:
			report.Passed++
		default:
			report.Failed++
		}
	}
	if cfg.Progress != nil {
		fmt.Fprint(cfg.Progress, report.DataText())
		fmt.Fprint(cfg.Progress, report.CoverageText())
		fmt.Fprintln(cfg.Progress, report.Summary())
	}
	return report, nil
}

// runner is what the cases of one run share.
type runner struct {
	cfg    Config
	client *http.Client
	mask   *strings.Replacer
	now    func() time.Time
	pool   *candidatePool
	// documents carries the hand-written fixtures, written against
	// openapi.yaml, over to the document the run checks.
	documents *documentMap

	progressMu sync.Mutex
}

// probe sends one request to the base URL: any HTTP answer will do, only a
// target that does not answer at all stops the run.
func (r *runner) probe(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.cfg.Profile.BaseURL+"/", nil)
	if err != nil {
		return err
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return fmt.Errorf("target %s is unreachable: %w", r.cfg.Profile.BaseURL, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

func (r *runner) progress(c CaseResult) {
	if r.cfg.Progress == nil {
		return
	}
	r.progressMu.Lock()
	defer r.progressMu.Unlock()
	fmt.Fprint(r.cfg.Progress, c.text())
}

// candidatePool leases candidate users to cases, so that two cases running
// at once never add the same user.
type candidatePool struct {
	mu   sync.Mutex
	cond *sync.Cond
	free []string
}

func newCandidatePool(ids []string) *candidatePool {
	p := &candidatePool{free: append([]string(nil), ids...)}
	p.cond = sync.NewCond(&p.mu)
	return p
}

// acquire waits until n users are free and takes them all at once: taking
// them one by one could leave two cases each holding part of what it needs.
func (p *candidatePool) acquire(n int) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.free) < n {
		p.cond.Wait()
	}
	leased := append([]string(nil), p.free[:n]...)
	p.free = p.free[n:]
	return leased
}

func (p *candidatePool) release(ids []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.free = append(p.free, ids...)
	p.cond.Broadcast()
}
