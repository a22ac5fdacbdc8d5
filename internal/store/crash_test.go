//go:build linux || darwin

package store_test

// Crash and disk-full tests. Both run the writing side in a child process
// (this test binary started again with FALLBACK_STORE_CHILD set, like the
// os/exec helper-process tests), which is killed or has its file size
// limit lowered, and check from the parent what the database holds after
// store.Open.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"fallback/internal/store"
)

// Environment of the child process.
const (
	childEnv      = "FALLBACK_STORE_CHILD" // "run" or "full"
	childDBEnv    = "FALLBACK_STORE_DB"    // database path
	childLimitEnv = "FALLBACK_STORE_LIMIT" // RLIMIT_FSIZE in bytes ("full")
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(runChild(mode))
	}
	os.Exit(m.Run())
}

// childTurns is the number of turns of each attempt the child writes; turn
// childRetake is saved twice (a retried turn) to exercise replacement.
const (
	childTurns  = 4
	childRetake = 1
)

// childAttempt is the n-th attempt the child begins (without turns).
func childAttempt(n int) store.Attempt {
	a := newAttempt("crash", at(n), 0)
	a.ID = uuid.NewString()
	a.FinishedAt = time.Time{}
	a.PlannedTurns = childTurns
	return a
}

func childFinish(n int) time.Time { return at(n).Add(3 * time.Minute) }

// childTurn is take number take of turn idx, recognisable by its recording
// path and latency.
func childTurn(idx, take int) store.Turn {
	t := newAttempt("crash", base, idx+1).Turns[idx]
	t.RecordingPath = fmt.Sprintf("recordings/crash/turn-%d-take-%d.wav", idx, take)
	t.Report.Latency += time.Duration(take) * time.Millisecond
	return t
}

// runChild is the child process. It prints "try …" before each call and
// "ok …" only after the call returned nil, with unbuffered writes to
// stdout, so a line the parent reads is a call that was made or returned.
func runChild(mode string) int {
	path := os.Getenv(childDBEnv)
	out := os.Stdout
	maxFails, maxAttempts := 0, -1
	if mode == "full" {
		limit, err := strconv.ParseUint(os.Getenv(childLimitEnv), 10, 64)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bad limit:", err)
			return 2
		}
		// Without this the kernel kills the process at the limit
		// instead of failing the write with EFBIG.
		signal.Ignore(syscall.SIGXFSZ)
		var lim syscall.Rlimit
		if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
			fmt.Fprintln(os.Stderr, "getrlimit:", err)
			return 2
		}
		lim.Cur = limit
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
			fmt.Fprintln(os.Stderr, "setrlimit:", err)
			return 2
		}
		// Stop after a few failures: the point is the first ones, and
		// that the later calls fail cleanly too.
		maxFails, maxAttempts = 3, 200
	} else if mode != "run" {
		fmt.Fprintln(os.Stderr, "unknown child mode", mode)
		return 2
	}

	db, err := store.Open(path)
	if err != nil {
		fmt.Fprintf(out, "fail open diskfull=%v %v\n", errors.Is(err, store.ErrDiskFull), err)
		if mode == "full" {
			return 0
		}
		return 1
	}
	fmt.Fprintln(out, "ready")
	ctx := context.Background()
	fails := 0
	failed := func(op string, err error) bool {
		fmt.Fprintf(out, "fail %s diskfull=%v %v\n", op, errors.Is(err, store.ErrDiskFull), err)
		fails++
		return fails > maxFails
	}
	for n := 0; maxAttempts < 0 || n < maxAttempts; n++ {
		a := childAttempt(n)
		fmt.Fprintf(out, "try begin %s %d\n", a.ID, n)
		if err := db.BeginAttempt(ctx, &a); err != nil {
			if failed("begin", err) {
				break
			}
			continue
		}
		fmt.Fprintf(out, "ok begin %s\n", a.ID)
		stop := false
		for idx := 0; idx < childTurns && !stop; idx++ {
			takes := 1
			if idx == childRetake {
				takes = 2
			}
			for take := range takes {
				t := childTurn(idx, take)
				fmt.Fprintf(out, "try turn %s %d %d\n", a.ID, idx, take)
				if err := db.SaveTurn(ctx, a.ID, &t); err != nil {
					stop = failed("turn", err)
					break
				}
				fmt.Fprintf(out, "ok turn %s %d %d %s\n", a.ID, idx, take, t.ID)
			}
		}
		if stop {
			break
		}
		fmt.Fprintf(out, "try finish %s\n", a.ID)
		if err := db.FinishAttempt(ctx, a.ID, childFinish(n)); err != nil {
			if failed("finish", err) {
				break
			}
			continue
		}
		fmt.Fprintf(out, "ok finish %s\n", a.ID)
	}
	fmt.Fprintf(out, "closed %v\n", db.Close())
	return 0
}

// model is what the child's lines say about the database.
type model struct {
	attempts map[string]*modelAttempt
	order    []string // attempt IDs in the order begun
	okTurns  int      // "ok turn" lines
	fails    []string // "fail" lines
	ready    bool
	closed   bool
}

type modelAttempt struct {
	n                   int // childAttempt(n)
	begun               bool
	finishTried, finish bool
	turns               map[int]*modelTurn
}

type modelTurn struct {
	tried  int    // highest take tried
	ok     int    // highest take that returned nil, -1 for none
	id     string // the ID the store gave, "" before an ok
	idDiff bool   // a retake came back with another ID
}

func newModel() *model { return &model{attempts: map[string]*modelAttempt{}} }

// add reads the child's output lines into m.
func (m *model) add(lines []string) error {
	for _, line := range lines {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		bad := fmt.Errorf("child line %q", line)
		switch {
		case f[0] == "ready":
			m.ready = true
		case f[0] == "closed":
			m.closed = true
		case f[0] == "fail":
			m.fails = append(m.fails, line)
		case len(f) >= 3 && f[1] == "begin" && f[0] == "try":
			n, err := strconv.Atoi(f[3])
			if err != nil {
				return bad
			}
			m.attempts[f[2]] = &modelAttempt{n: n, turns: map[int]*modelTurn{}}
			m.order = append(m.order, f[2])
		default:
			if len(f) < 3 {
				return bad
			}
			a := m.attempts[f[2]]
			if a == nil {
				return bad
			}
			switch f[0] + " " + f[1] {
			case "ok begin":
				a.begun = true
			case "try finish":
				a.finishTried = true
			case "ok finish":
				a.finish = true
			case "try turn", "ok turn":
				if len(f) < 5 {
					return bad
				}
				idx, err1 := strconv.Atoi(f[3])
				take, err2 := strconv.Atoi(f[4])
				if err1 != nil || err2 != nil {
					return bad
				}
				t := a.turns[idx]
				if t == nil {
					t = &modelTurn{ok: -1}
					a.turns[idx] = t
				}
				if f[0] == "try" {
					t.tried = max(t.tried, take)
					break
				}
				if len(f) < 6 {
					return bad
				}
				if t.id != "" && t.id != f[5] {
					t.idDiff = true
				}
				t.ok, t.id = take, f[5]
				m.okTurns++
			default:
				return bad
			}
		}
	}
	return nil
}

// check compares the database with m. With exact, a call that did not
// return nil must have left no trace (a failed write); without, the last
// call may have been committed before the kill hid its "ok". It returns
// the number of committed turns it checked.
func (m *model) check(t *testing.T, db *store.DB, exact bool) int {
	t.Helper()
	ctx := context.Background()
	checked := 0
	for _, id := range m.order {
		ma := m.attempts[id]
		got, err := db.Attempt(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			if ma.begun || (exact && len(ma.turns) > 0) {
				t.Errorf("attempt %s (begun %v) is missing", id, ma.begun)
			}
			continue
		}
		if err != nil {
			t.Errorf("Attempt(%s): %v", id, err)
			continue
		}
		if !ma.begun && exact {
			t.Errorf("attempt %s is stored although BeginAttempt failed", id)
		}
		want := childAttempt(ma.n)
		if got.ScenarioID != want.ScenarioID || got.PlannedTurns != want.PlannedTurns || !got.StartedAt.Equal(want.StartedAt) {
			t.Errorf("attempt %s: scenario %q, %d planned, start %v; want %q, %d, %v", id,
				got.ScenarioID, got.PlannedTurns, got.StartedAt, want.ScenarioID, want.PlannedTurns, want.StartedAt)
		}
		switch {
		case got.FinishedAt.IsZero():
			if ma.finish {
				t.Errorf("attempt %s: finished, but FinishedAt is not stored", id)
			}
		case !got.FinishedAt.Equal(childFinish(ma.n)):
			t.Errorf("attempt %s: FinishedAt %v, want %v", id, got.FinishedAt, childFinish(ma.n))
		case !ma.finishTried || (exact && !ma.finish):
			t.Errorf("attempt %s: FinishedAt stored but FinishAttempt returned no nil", id)
		}
		stored := map[int]store.Turn{}
		for _, st := range got.Turns {
			stored[st.Index] = st
		}
		for idx, st := range stored {
			mt := m.attempts[id].turns[idx]
			if mt == nil {
				t.Errorf("attempt %s: turn %d stored but never saved", id, idx)
				continue
			}
			var take int
			if _, err := fmt.Sscanf(filepath.Base(st.RecordingPath), "turn-"+strconv.Itoa(idx)+"-take-%d.wav", &take); err != nil {
				t.Errorf("attempt %s turn %d: recording path %q", id, idx, st.RecordingPath)
				continue
			}
			hi := mt.tried
			if exact {
				hi = mt.ok
			}
			if take < mt.ok || take > hi {
				t.Errorf("attempt %s turn %d: take %d stored, want %d (committed) … %d", id, idx, take, mt.ok, hi)
			}
			want := childTurn(idx, take)
			want.ID = st.ID
			for _, d := range diff("", reflect.ValueOf(st), reflect.ValueOf(want)) {
				t.Errorf("attempt %s turn %d take %d: %s", id, idx, take, d)
			}
			if mt.id != "" && st.ID != mt.id {
				t.Errorf("attempt %s turn %d: id %s, want %s", id, idx, st.ID, mt.id)
			}
		}
		for idx, mt := range ma.turns {
			if mt.idDiff {
				t.Errorf("attempt %s turn %d: the retake got another ID", id, idx)
			}
			if mt.ok < 0 {
				continue
			}
			checked++
			if _, ok := stored[idx]; !ok {
				t.Errorf("attempt %s: committed turn %d (id %s) is missing", id, idx, mt.id)
			}
		}
	}
	return checked
}

// child is a started child process and the lines it printed.
type child struct {
	cmd    *exec.Cmd
	stderr strings.Builder
	lines  []string
	ready  chan struct{} // closed at the "ready" line
	done   chan struct{} // closed at the end of its output
}

func startChild(t *testing.T, env ...string) *child {
	t.Helper()
	c := &child{ready: make(chan struct{}), done: make(chan struct{})}
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	// Under -race a process that exits waits 1 s for late reports
	// (atexit_sleep_ms); the children's reports come before they exit.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	c.cmd.Env = append(append(os.Environ(), "GORACE="+gorace), env...)
	c.cmd.Stderr = &c.stderr
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go c.read(stdout)
	return c
}

// raceFree fails t when the race detector reported in the child (its
// reports go to stderr, which the parent reads only after Wait).
func (c *child) raceFree(t *testing.T) {
	t.Helper()
	if s := c.stderr.String(); strings.Contains(s, "DATA RACE") {
		t.Errorf("the child reported a data race:\n%s", s)
	}
}

// read collects the output; it owns c.lines until c.done is closed.
func (c *child) read(r io.Reader) {
	defer close(c.done)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	readyClosed := false
	for sc.Scan() {
		line := sc.Text()
		c.lines = append(c.lines, line)
		if line == "ready" && !readyClosed {
			close(c.ready)
			readyClosed = true
		}
	}
}

// tail is the end of a child's output, for a failure message.
func tail(lines []string) string {
	const keep = 20 // enough to see the last attempt's calls
	return strings.Join(lines[max(0, len(lines)-keep):], "\n")
}

// killRuns is the number of kill -9 runs; FALLBACK_KILL_RUNS sets another
// (the documented longer run uses 1000).
func killRuns(t *testing.T) int {
	const defaultRuns = 200 // the figure for every test run
	s := os.Getenv("FALLBACK_KILL_RUNS")
	if s == "" {
		return defaultRuns
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		t.Fatalf("FALLBACK_KILL_RUNS=%q: want a positive number", s)
	}
	return n
}

// TestKillWhileSaving kills a child with SIGKILL at a random moment while
// it begins attempts, saves turns (one retried) and finishes them, then
// opens the file with store.Open and checks that every turn whose SaveTurn
// returned is there with its content, that nothing unsaved appeared, and
// that PRAGMA integrity_check is ok. The file is kept across the runs of a
// group, so it has survived many crashes; a new group starts with a new
// file, whose first Open (the migrations) can be killed too.
func TestKillWhileSaving(t *testing.T) {
	runs := killRuns(t)
	const (
		// runsPerFile: a file lives through this many crashes.
		runsPerFile = 25
		// fromStartPct of the runs are killed counting from the
		// process start, so the kill can land before or inside Open.
		fromStartPct = 15
		// maxDelay after "ready" covers several attempts of fsynced
		// commits (≈ 50 turns here).
		maxDelay = 60 * time.Millisecond
	)
	// startWindow is how long the child takes from its start to "ready"
	// (the mean seen so far, first guessed), so that the kills counted
	// from the start land before, inside and just after Open.
	var readySum time.Duration
	readyCount := 0
	startWindow := 10 * time.Millisecond
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	began := time.Now()

	var (
		m                                 *model
		path                              string
		kills, checks, beforeReady, empty int
		committed                         int
	)
	for run := range runs {
		if run%runsPerFile == 0 {
			if m != nil {
				committed += m.okTurns
			}
			path = filepath.Join(t.TempDir(), "history.db")
			m = newModel()
		}
		started := time.Now()
		c := startChild(t, childEnv+"=run", childDBEnv+"="+path)
		if run%runsPerFile == 0 || rng.IntN(100) < fromStartPct {
			time.Sleep(time.Duration(rng.Int64N(int64(startWindow * 5 / 4)))) // the kill point, not a synchronisation
		} else {
			select {
			case <-c.ready:
				readySum += time.Since(started)
				readyCount++
				startWindow = readySum / time.Duration(readyCount)
			case <-c.done:
			}
			time.Sleep(time.Duration(rng.Int64N(int64(maxDelay)))) // the kill point
		}
		if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("run %d: kill: %v", run, err)
		}
		<-c.done
		err := c.cmd.Wait()
		ws, _ := c.cmd.ProcessState.Sys().(syscall.WaitStatus)
		if !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("run %d: the child ended by itself (%v) before the kill:\n%s\n%s", run, err,
				tail(c.lines), c.stderr.String())
		}
		kills++
		c.raceFree(t)
		before := m.okTurns
		if err := m.add(c.lines); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if !m.ready {
			beforeReady++
		}
		if m.okTurns == before {
			empty++
		}
		m.ready = false
		if len(m.fails) > 0 {
			t.Fatalf("run %d: the child's calls failed: %q\n%s", run, m.fails, c.stderr.String())
		}

		db, err := store.Open(path)
		if err != nil {
			t.Fatalf("run %d: Open after kill: %v", run, err)
		}
		integrityOK(t, db)
		checks += m.check(t, db, false)
		if err := db.Close(); err != nil {
			t.Fatalf("run %d: Close: %v", run, err)
		}
		if t.Failed() {
			t.Fatalf("run %d failed; the child's last lines:\n%s", run, tail(c.lines))
		}
	}
	committed += m.okTurns
	t.Logf("%d runs, %d kills (%d before the child was ready, %d with no new committed turn), "+
		"%d committed turns, %d turn checks after reopening, 0 lost, integrity ok every time, %v (child ready after %v on average)",
		runs, kills, beforeReady, empty, committed, checks, time.Since(began).Round(time.Millisecond), startWindow.Round(time.Millisecond))
	if committed == 0 {
		t.Error("no turn was committed in any run: the kills came too early to test anything")
	}
}

// fullLimits are the file size limits the disk-full test sweeps: every
// ~2.3 KB up to 64 KiB (the -shm file's first 32 KiB, the first pages of
// the WAL, partial pages), then growing steps to 1 MiB (writes deep in the
// WAL, past the database's own size).
func fullLimits() []uint64 {
	var limits []uint64
	for l := uint64(0); l < 64<<10; l += 2311 { // a step prime to the page size, so that limits fall anywhere in a page
		limits = append(limits, l)
	}
	for l := uint64(64 << 10); l <= 1<<20; l = l*5/4 + 777 {
		limits = append(limits, l)
	}
	return append(limits, 4096, 32768, 32768+4096) // the page and -shm region edges themselves
}

// TestDiskFull runs the child's writes with its file size limit
// (RLIMIT_FSIZE) lowered and SIGXFSZ ignored, so SQLite's writes fail with
// EFBIG as they do on a full disk, for each limit of fullLimits. Every
// failed call must say ErrDiskFull, the child must not panic, and after
// reopening without the limit the database must hold exactly what the calls
// that returned nil wrote, on top of the attempts stored before, with
// integrity_check ok.
func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	began := time.Now()
	var runs, openFails, callFails, committed int
	for _, limit := range fullLimits() {
		path := filepath.Join(t.TempDir(), "history.db")
		db := MustOpenPath(t, path)
		var prior []store.Attempt
		for i := range 3 {
			a := newAttempt("prior", at(100+i), 3)
			mustSave(t, db, &a)
			prior = append(prior, a)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}

		c := startChild(t, childEnv+"=full", childDBEnv+"="+path, childLimitEnv+"="+strconv.FormatUint(limit, 10))
		<-c.done
		if err := c.cmd.Wait(); err != nil {
			t.Fatalf("limit %d: the child failed (%v):\n%s\n%s", limit, err, tail(c.lines), c.stderr.String())
		}
		runs++
		c.raceFree(t)
		m := newModel()
		if err := m.add(c.lines); err != nil {
			t.Fatalf("limit %d: %v", limit, err)
		}
		if len(m.fails) == 0 {
			t.Errorf("limit %d: no call failed; the limit is too high to test anything", limit)
		}
		for _, f := range m.fails {
			if !strings.Contains(f, "diskfull=true") {
				t.Errorf("limit %d: %s: want ErrDiskFull", limit, f)
			}
		}
		if !m.ready {
			openFails++
		}
		callFails += len(m.fails)
		committed += m.okTurns
		if m.ready && !m.closed {
			t.Errorf("limit %d: the child did not reach Close:\n%s", limit, tail(c.lines))
		}

		db, err := store.Open(path)
		if err != nil {
			t.Fatalf("limit %d: Open without the limit: %v", limit, err)
		}
		integrityOK(t, db)
		m.check(t, db, true)
		for _, want := range prior {
			got, err := db.Attempt(ctx, want.ID)
			if err != nil {
				t.Errorf("limit %d: attempt stored before: %v", limit, err)
				continue
			}
			for _, d := range diff("", reflect.ValueOf(got), reflect.ValueOf(want)) {
				t.Errorf("limit %d: attempt stored before changed: %s", limit, d)
			}
		}
		begun := 0
		for _, a := range m.attempts {
			if a.begun {
				begun++
			}
		}
		if list, err := db.ListAttempts(ctx, 0); err != nil || len(list) != len(prior)+begun {
			t.Errorf("limit %d: ListAttempts: %d attempts, %v; want %d", limit, len(list), err, len(prior)+begun)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if t.Failed() {
			t.Fatalf("limit %d failed; the child's last lines:\n%s", limit, tail(c.lines))
		}
	}
	t.Logf("%d limits from 0 to 1 MiB: %d Opens and %d calls failed, all with ErrDiskFull; %d turns committed before, all kept, nothing else; integrity ok every time; %v",
		runs, openFails, callFails-openFails, committed, time.Since(began).Round(time.Millisecond))
}

// TestDiskFullPageLimit makes SQLite itself report SQLITE_FULL, in this
// process, by capping the database's page count (PRAGMA max_page_count on
// the only connection) at each size from what is stored to a few dozen
// pages more, and checks that every failing call says ErrDiskFull and
// leaves what was stored before it as it was.
func TestDiskFullPageLimit(t *testing.T) {
	ctx := context.Background()
	// Page limits from none to spare to a few dozen attempts' worth.
	extras := []int{0, 1, 2, 3, 4, 6, 9, 14, 20}
	fails := 0
	for _, extra := range extras {
		db := MustOpenDB(t)
		raw := store.RawDB(db)
		raw.SetMaxOpenConns(1) // the pragma below is per connection
		prior := newAttempt("prior", at(0), 3)
		mustSave(t, db, &prior)
		var pages int
		if err := raw.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", pages+extra)); err != nil {
			t.Fatal(err)
		}

		m := newModel()
		var lines []string
		call := func(try, ok string, f func() error) bool {
			lines = append(lines, try)
			if err := f(); err != nil {
				lines = append(lines, fmt.Sprintf("fail diskfull=%v %v", errors.Is(err, store.ErrDiskFull), err))
				if !errors.Is(err, store.ErrDiskFull) {
					t.Errorf("%d pages more: %v, want ErrDiskFull", extra, err)
				}
				fails++
				return false
			}
			lines = append(lines, ok)
			return true
		}
	attempts:
		for n := range 2000 { // more attempts than the pages allowed hold
			a := childAttempt(n)
			if !call(fmt.Sprintf("try begin %s %d", a.ID, n), "ok begin "+a.ID, func() error { return db.BeginAttempt(ctx, &a) }) {
				break
			}
			for idx := range childTurns {
				tr := childTurn(idx, 0)
				if !call(fmt.Sprintf("try turn %s %d 0", a.ID, idx), "", func() error { return db.SaveTurn(ctx, a.ID, &tr) }) {
					break attempts
				}
				lines[len(lines)-1] = fmt.Sprintf("ok turn %s %d 0 %s", a.ID, idx, tr.ID)
			}
		}
		if err := m.add(lines); err != nil {
			t.Fatal(err)
		}
		if len(m.fails) == 0 {
			t.Errorf("%d pages more: nothing failed", extra)
		}
		if _, err := raw.Exec("PRAGMA max_page_count = 4294967294"); err != nil {
			t.Fatal(err)
		}
		integrityOK(t, db)
		m.check(t, db, true)
		got, err := db.Attempt(ctx, prior.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range diff("", reflect.ValueOf(got), reflect.ValueOf(prior)) {
			t.Errorf("%d pages more: the attempt stored before changed: %s", extra, d)
		}
	}
	t.Logf("%d page limits, %d calls failed with ErrDiskFull", len(extras), fails)
}
