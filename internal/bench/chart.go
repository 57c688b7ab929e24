package bench

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// WriteChart draws the median plan wall time against N, ours and the floor,
// with the 1.2 × floor target, as a PNG (or SVG, PDF by extension).
func (r Result) WriteChart(path string) error {
	if len(r.Sizes) == 0 {
		return fmt.Errorf("no sizes to chart")
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("terraform plan, N data sources (%s latency, -parallelism=%d)", r.Latency, r.Parallelism)
	p.X.Label.Text = "N (data sources)"
	p.Y.Label.Text = "median wall time (s, log scale)"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = r.ticks()
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Add(plotter.NewGrid())

	series := []struct {
		name  string
		color color.RGBA
		dash  []vg.Length
		shape draw.GlyphDrawer
		y     func(SizeResult) float64
	}{
		{"r2 provider", color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, nil, draw.CircleGlyph{},
			func(s SizeResult) float64 { return s.R2Median().Seconds() }},
		{"floor (trivial plan + N × latency / parallelism)", color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, nil, draw.SquareGlyph{},
			func(s SizeResult) float64 { return r.Floor(s).Seconds() }},
		{fmt.Sprintf("target: %.1f × floor", TargetFloorRatio), color.RGBA{R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff},
			[]vg.Length{vg.Points(4), vg.Points(3)}, draw.TriangleGlyph{},
			func(s SizeResult) float64 { return TargetFloorRatio * r.Floor(s).Seconds() }},
		{"trivial plan, no latency", color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
			[]vg.Length{vg.Points(1), vg.Points(2)}, draw.PlusGlyph{},
			func(s SizeResult) float64 { return s.TrivialMedian().Seconds() }},
	}
	lo, hi := math.Inf(1), 0.0
	for _, s := range series {
		xys := make(plotter.XYs, len(r.Sizes))
		for i, sz := range r.Sizes {
			xys[i].X, xys[i].Y = float64(sz.N), max(s.y(sz), 1e-3)
			lo, hi = min(lo, xys[i].Y), max(hi, xys[i].Y)
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return err
		}
		line.Color, line.Width, line.Dashes = s.color, vg.Points(1.5), s.dash
		points.Color, points.Shape, points.Radius = s.color, s.shape, vg.Points(3)
		p.Add(line, points)
		p.Legend.Add(s.name, line, points)
	}
	if len(r.Sweeps) > 0 {
		xys := make(plotter.XYs, len(r.Sweeps))
		for i, sw := range r.Sweeps {
			xys[i].X, xys[i].Y = float64(sw.N), max(sw.Median().Seconds(), 1e-3)
			lo, hi = min(lo, xys[i].Y), max(hi, xys[i].Y)
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return err
		}
		purple := color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff}
		line.Color, line.Width = purple, vg.Points(2)
		points.Color, points.Shape, points.Radius = purple, draw.PyramidGlyph{}, vg.Points(3.5)
		p.Add(line, points)
		p.Legend.Add("r2_bucket_cors_policies: one sweep of N buckets", line, points)
	}
	// Room above the lines for the legend, and below for the smallest.
	p.Y.Min, p.Y.Max = lo/2, hi*6
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(8), -vg.Points(4)

	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return p.Save(18*vg.Centimeter, 11*vg.Centimeter, path)
}

// sizeTicks labels exactly the measured sizes on the log axis.
type sizeTicks []int

func (t sizeTicks) Ticks(_, _ float64) []plot.Tick {
	out := make([]plot.Tick, len(t))
	for i, n := range t {
		out[i] = plot.Tick{Value: float64(n), Label: fmt.Sprint(n)}
	}
	return out
}

// ticks are the sizes of the for_each plans and of the sweeps.
func (r Result) ticks() sizeTicks {
	var ns []int
	for _, s := range r.Sizes {
		ns = append(ns, s.N)
	}
	for _, s := range r.Sweeps {
		ns = append(ns, s.N)
	}
	slices.Sort(ns)
	return slices.Compact(ns)
}
