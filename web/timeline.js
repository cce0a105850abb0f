// A video's timeline, drawn with uPlot (web/vendor/, loaded by index.html as
// the global `uPlot`; chosen for size and speed: README, "Build choices"):
// P(fake) per analysed frame on a 0-100% axis with the band thresholds as
// dashed lines, one series per person once the people are known; the angle
// between the two head poses on its own axis, scaled to the data; a legend;
// a cursor that reads out time and values; a marker at the frame shown.
// Clicks are reported as frame indices (onPick); the caller shows the frame.

const PERSON_COLOURS = ['#d7263d', '#7b2cbf', '#c05600', '#00798c', '#6a994e'];
const ANGLE_COLOUR = '#1f5fbf';
const percent = (v) => (v === null || v === undefined ? '–' : `${Math.round(v)}%`);

/**
 * frames: [{ time, score, pose_difference_deg, result }] in time order;
 * people: the video summary's people (null while analysing: one series of
 * each frame's score); bands: { low, high } or null.
 */
export function timelineData(frames, people) {
  const xs = frames.map((f) => f.time);
  const series = [];
  if (people?.length) {
    for (const p of people) {
      const ys = frames.map(() => null);
      for (const [k, face] of p.appearances) {
        const pf = frames[k]?.result?.faces[face]?.p_fake;
        if (pf !== null && pf !== undefined) ys[k] = 100 * pf;
      }
      series.push({ label: `Person ${p.id} P(fake)`, ys });
    }
  } else {
    series.push({ label: 'P(fake)', ys: frames.map((f) => (f.score === null || f.score === undefined ? null : 100 * f.score)) });
  }
  series.push({ label: 'Angle between the poses', ys: frames.map((f) => f.pose_difference_deg ?? null), angle: true });
  return { xs, series };
}

export class Timeline {
  #chart = null;
  #holder;
  #bands = null;
  #marker = null;
  #observer;

  constructor(holder, { onPick }) {
    this.#holder = holder;
    this.onPick = onPick;
    this.#observer = new ResizeObserver(() => {
      if (!holder.isConnected) { // the card was cleared: let the chart go
        this.#observer.disconnect();
        this.#chart?.destroy();
        this.#chart = null;
        return;
      }
      this.#chart?.setSize({ width: this.#width(), height: 220 });
    });
    this.#observer.observe(holder);
  }

  #width() { return Math.max(240, this.#holder.clientWidth); }

  /** Redraws from scratch (new series); cheap enough once per analysed frame. */
  update(frames, { people = null, bands = null, duration = 0, marker = null } = {}) {
    this.#bands = bands;
    this.#marker = marker;
    const { xs, series } = timelineData(frames, people);
    const shape = series.map((s) => s.label).join('|');
    const data = [xs, ...series.map((s) => s.ys)];
    if (this.#chart && this.#chart.posecheckShape === shape) {
      this.#chart.setData(data);
      return;
    }
    this.#chart?.destroy();
    const opts = {
      width: this.#width(),
      height: 220,
      scales: { x: { time: false, range: [0, Math.max(duration, xs[xs.length - 1] ?? 0, 0.1)] }, p: { range: [0, 100] }, deg: { range: (u, lo, hi) => [0, Math.max(2, Math.ceil((hi ?? 0) * 1.2))] } },
      axes: [
        { label: 'time (s)', values: (u, ticks) => ticks.map((t) => `${+t.toFixed(1)}`) },
        { scale: 'p', label: 'P(fake) %', values: (u, ticks) => ticks.map((t) => `${t}`) },
        { scale: 'deg', side: 1, label: 'pose angle (°)', grid: { show: false } },
      ],
      series: [
        { label: 'time', value: (u, v) => (v === null || v === undefined ? '–' : `${v.toFixed(1)} s`) },
        ...series.map((s, i) => (s.angle
          ? { label: s.label, scale: 'deg', stroke: ANGLE_COLOUR, width: 1.5, dash: [4, 3], points: { show: true, size: 4 },
            value: (u, v) => (v === null || v === undefined ? '–' : `${v.toFixed(1)}°`) }
          : { label: s.label, scale: 'p', stroke: PERSON_COLOURS[i % PERSON_COLOURS.length], width: 2, points: { show: true, size: 5 },
            spanGaps: false, value: (u, v) => percent(v) })),
      ],
      cursor: { drag: { x: false, y: false } },
      hooks: {
        draw: [(u) => this.#decorate(u)],
        ready: [(u) => u.over.addEventListener('click', () => {
          const t = u.posToVal(u.cursor.left, 'x');
          let k = 0;
          xs.forEach((x, j) => { if (Math.abs(x - t) < Math.abs(xs[k] - t)) k = j; });
          if (xs.length) this.onPick?.(k);
        })],
      },
    };
    this.#chart = new globalThis.uPlot(opts, data, this.#holder);
    this.#chart.posecheckShape = shape;
  }

  /** Moves the current-frame marker (seconds) without new data. */
  mark(time) {
    this.#marker = time;
    this.#chart?.redraw(false);
  }

  // Band thresholds (dashed, on the P(fake) axis) and the current-frame marker.
  #decorate(u) {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    if (this.#bands) {
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 1;
      for (const [p, colour] of [[this.#bands.low, '#1e7b3a'], [this.#bands.high, '#c0182f']]) {
        const y = u.valToPos(100 * p, 'p', true);
        ctx.strokeStyle = colour;
        ctx.beginPath();
        ctx.moveTo(left, y);
        ctx.lineTo(left + width, y);
        ctx.stroke();
      }
    }
    if (this.#marker !== null && this.#marker !== undefined) {
      const x = u.valToPos(this.#marker, 'x', true);
      ctx.setLineDash([]);
      ctx.strokeStyle = '#1d1d1f';
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
    }
    ctx.restore();
  }
}
