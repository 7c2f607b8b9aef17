package main

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress is a progress bar on a terminal and nothing elsewhere: a log
// file or a pipe gets no bar. Its zero value does nothing.
type progress struct{ bar *progressbar.ProgressBar }

// newProgress shows a bar on w when w is a terminal, counting up to total
// (-1 when unknown), in bytes or in customers.
func newProgress(w io.Writer, total int64, what string, bytes bool) progress {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return progress{}
	}
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100 * time.Millisecond),
		progressbar.OptionClearOnFinish(),
	}
	if bytes {
		opts = append(opts, progressbar.OptionShowBytes(true))
	} else {
		opts = append(opts, progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("customers"))
	}
	return progress{progressbar.NewOptions64(total, opts...)}
}

// add moves the bar n steps.
func (p progress) add(n int) {
	if p.bar != nil {
		_ = p.bar.Add(n)
	}
}

// set puts the bar at n.
func (p progress) set(n int64) {
	if p.bar != nil {
		_ = p.bar.Set64(n)
	}
}

// finish removes the bar.
func (p progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
