package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
)

var storeColors = map[string]string{"memory": "#4e79a7", "sqlite": "#f28e2b", "postgres": "#59a14f"}

var esc = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace

// niceStep picks a tick step that gives about five to eight ticks up to max.
func niceStep(max float64) float64 {
	for _, s := range []float64{0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100} {
		if max/s <= 8 {
			return s
		}
	}
	return math.Pow(10, math.Ceil(math.Log10(max/8)))
}

type panel struct {
	title, yLabel string
	target        float64
	targetLabel   string
	value         func(*opReport) float64
}

// writeRatiosSVG draws, from every results-*.json in dir, the two ratios
// per operation and store as bars, with the target lines, and writes
// dir/ratios.svg.
func writeRatiosSVG(dir string) (string, error) {
	reps, err := loadReports(dir)
	if err != nil {
		return "", err
	}
	if len(reps) == 0 {
		return "", fmt.Errorf("no results-*.json in %s", dir)
	}
	var ops []string
	for _, name := range opNames {
		for _, r := range reps {
			if r.op(name) != nil {
				ops = append(ops, name)
				break
			}
		}
	}
	panels := []panel{
		{"customerauth ÷ plain graphql-go/handler (same schema)", "throughput ratio (customerauth req/s ÷ graphql-go/handler req/s)",
			targetVsGraphQLGo, "target ≥ 4× (token ops)", func(o *opReport) float64 { return o.VsGraphQLGo }},
		{"customerauth ÷ hand-written net/http + encoding/json", "throughput ratio (customerauth req/s ÷ hand-written req/s)",
			targetVsHandWritten, "target ≥ 0.67× (token ops)", func(o *opReport) float64 { return o.VsHandWritten }},
	}

	footer := 26 + 14*len(reps)
	const (
		width           = 1100
		panelW          = 540
		top, plotH      = 90, 300
		leftPad, rightP = 80, 20
	)
	height := top + plotH + 70 + footer
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif">`, width, height, width, height)
	p(`<rect width="100%%" height="100%%" fill="white"/>`)
	p(`<text x="%d" y="26" font-size="18" font-weight="bold" text-anchor="middle">customerauth throughput ratios, side by side on loopback HTTP (medians of per-round ratios)</text>`, width/2)
	// Legend.
	lx := width/2 - 60*len(reps)
	for i, r := range reps {
		x := lx + i*130
		p(`<rect x="%d" y="40" width="14" height="14" fill="%s"/>`, x, colorOf(r.Store))
		p(`<text x="%d" y="52" font-size="13">%s store</text>`, x+20, esc(r.Store))
	}

	for pi, pn := range panels {
		px := pi*panelW + leftPad
		plotW := panelW - leftPad - rightP
		maxV := pn.target * 1.25
		for _, r := range reps {
			for _, o := range r.Ops {
				maxV = math.Max(maxV, pn.value(o)*1.15)
			}
		}
		step := niceStep(maxV)
		yMax := math.Ceil(maxV/step) * step
		y := func(v float64) float64 { return top + plotH - v/yMax*plotH }

		p(`<text x="%d" y="%d" font-size="14" font-weight="bold" text-anchor="middle">%s</text>`, px+plotW/2, top-14, esc(pn.title))
		// Grid and y ticks.
		for v := 0.0; v <= yMax+step/2; v += step {
			p(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`, px, y(v), px+plotW, y(v))
			p(`<text x="%d" y="%.1f" font-size="11" text-anchor="end">%s×</text>`, px-6, y(v)+4, trimFloat(v))
		}
		// Axes.
		p(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>`, px, top, px, top+plotH)
		p(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>`, px, top+plotH, px+plotW, top+plotH)
		p(`<text transform="translate(%d,%d) rotate(-90)" font-size="12" text-anchor="middle">%s</text>`, px-50, top+plotH/2, esc(pn.yLabel))
		p(`<text x="%d" y="%d" font-size="12" text-anchor="middle">operation</text>`, px+plotW/2, top+plotH+46)

		// Bars.
		groupW := float64(plotW) / float64(len(ops))
		barW := groupW * 0.7 / float64(len(reps))
		for gi, name := range ops {
			gx := float64(px) + float64(gi)*groupW + groupW*0.15
			for si, r := range reps {
				o := r.op(name)
				if o == nil {
					continue
				}
				v := pn.value(o)
				x := gx + float64(si)*barW
				p(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s, %s: %.2f×</title></rect>`,
					x, y(v), barW-2, float64(top+plotH)-y(v), colorOf(r.Store), esc(r.Store), name, v)
				p(`<text x="%.1f" y="%.1f" font-size="10" text-anchor="middle">%.2f</text>`, x+(barW-2)/2, y(v)-3, v)
			}
			label := name
			p(`<text x="%.1f" y="%d" font-size="12" text-anchor="middle">%s</text>`, gx+groupW*0.35, top+plotH+16, label)
			if name == "login" {
				p(`<text x="%.1f" y="%d" font-size="10" fill="#666" text-anchor="middle">(hash-bound, no target)</text>`, gx+groupW*0.35, top+plotH+29)
			}
		}
		// Target line.
		p(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#d62728" stroke-width="2" stroke-dasharray="6,4"/>`, px, y(pn.target), px+plotW, y(pn.target))
		p(`<text x="%d" y="%.1f" font-size="11" font-weight="bold" fill="#d62728" stroke="white" stroke-width="3" paint-order="stroke" text-anchor="start">%s</text>`, px+4, y(pn.target)-5, esc(pn.targetLabel))
	}
	p(`<text x="%d" y="%d" font-size="11" fill="#444" text-anchor="middle">%s</text>`, width/2, height-footer+14, esc(reps[0].Machine.String()))
	for i, r := range reps {
		p(`<text x="%d" y="%d" font-size="10" fill="#444" text-anchor="middle">%s: %s · %d conns, %s × %d rounds per server · %s</text>`,
			width/2, height-footer+30+14*i, esc(r.Store), esc(r.Date), r.Conns, esc(r.Duration), r.Rounds, esc(r.Command))
	}
	p(`</svg>`)

	path := filepath.Join(dir, "ratios.svg")
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

func (r *storeReport) op(name string) *opReport {
	for _, o := range r.Ops {
		if o.Name == name {
			return o
		}
	}
	return nil
}

func colorOf(store string) string {
	if c, ok := storeColors[store]; ok {
		return c
	}
	return "#999"
}

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
