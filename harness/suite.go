package harness

import (
	"context"

	"github.com/pushsim/pushsim/reports"
)

// RunAll runs scenarios with up to parallel at a time (0 = 1) and returns
// their results in the scenarios' order; done, if set, is called with each
// result as it completes (one call at a time).
func RunAll(ctx context.Context, scenarios []*Scenario, parallel int, opt Options, done func(reports.Result)) []reports.Result {
	if parallel < 1 {
		parallel = 1
	}
	results := make([]reports.Result, len(scenarios))
	type item struct {
		i   int
		res reports.Result
	}
	work := make(chan int)
	out := make(chan item)
	for w := 0; w < min(parallel, max(len(scenarios), 1)); w++ {
		go func() {
			for i := range work {
				out <- item{i, Run(ctx, scenarios[i], opt)}
			}
		}()
	}
	go func() {
		for i := range scenarios {
			work <- i
		}
		close(work)
	}()
	for range scenarios {
		it := <-out
		results[it.i] = it.res
		if done != nil {
			done(it.res)
		}
	}
	return results
}
