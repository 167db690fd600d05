package pool

import (
	"testing"
	"time"

	"github.com/golessons/golessons/lessons/race"
)

// The pool tells the race detector that a submission happens before its
// task, and a task before whoever waits for it or for the pool.
func TestRaceDetectorSeesThePool(t *testing.T) {
	for _, tc := range []struct {
		name   string
		locked bool
		races  bool
	}{
		{"unlocked update", false, true},
		{"locked update", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := race.Default()
			d.Reset()
			old := d.SetOutput(nil)
			defer d.SetOutput(old)
			value := d.Int("db.value", 0)
			mu := d.Mutex()
			With(5, func(p *Pool) {
				for range 5 {
					p.Submit(func() any {
						if tc.locked {
							mu.Lock()
							defer mu.Unlock()
						}
						tmp := value.Load()
						time.Sleep(time.Millisecond)
						value.Store(tmp*tmp + 1)
						return nil
					})
				}
			})
			final := value.Load() // after With: no race with the tasks
			if got := len(d.Races()) > 0; got != tc.races {
				t.Errorf("races reported: %v, want %v\n%s", got, tc.races, d.Report())
			}
			if tc.locked && final != 677 {
				t.Errorf("final value %d, want 677", final)
			}
			f := New(1).Submit(func() any { value.Store(1); return nil })
			f.Wait()
			value.Load() // after Wait: no race with the task
			if tc.locked && len(d.Races()) > 0 {
				t.Errorf("a false report after Wait:\n%s", d.Report())
			}
		})
	}
}
