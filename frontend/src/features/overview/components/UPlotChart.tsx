import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { ChartSpec } from "../lib/charts";

const HEIGHT = 220;
// Grid lines at half opacity of a mid grey: faint on white and on slate-900 alike.
const GRID = "rgba(128, 128, 128, 0.35)";
// Tick steps for counts: never half a store.
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

// The room one category label needs (CSS pixels); on a narrow chart only every n-th is named.
const LABEL_WIDTH = 64;

/** The categories named on the x axis: all of them when there is room, else every n-th. */
export function categorySplits(spec: ChartSpec, width: number): number[] {
  const every = Math.max(1, Math.ceil((LABEL_WIDTH * spec.x.length) / Math.max(width - 60, 1)));
  return spec.x.filter((index) => index % every === 0);
}

function options(spec: ChartSpec, width: number, ink: string): uPlot.Options {
  const category = spec.kind === "category";
  const axis = { stroke: ink, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1 } };
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    scales: {
      x: category ? { time: false, range: [-0.5, spec.x.length - 0.5] } : { time: true },
      y: { range: (_u, _min, max) => [0, max > 0 ? Math.ceil(max * 1.1) : 1] },
    },
    axes: [
      {
        ...axis,
        label: spec.xLabel,
        ...(category
          ? {
              splits: (u: uPlot) => categorySplits(spec, u.width),
              values: (_u: uPlot, splits: number[]) => splits.map((i) => spec.categories[i] ?? ""),
            }
          : {}),
      },
      { ...axis, label: spec.yLabel, ...(spec.counts ? { incrs: WHOLE_STEPS } : {}) },
    ],
    series: [
      {},
      ...spec.series.map((series) => ({
        label: series.label,
        stroke: series.color,
        width: 2,
        fill: spec.bars ? series.color : undefined,
        paths: spec.bars ? uPlot.paths.bars?.({ size: [0.6, 64] }) : undefined,
        points: { show: !spec.bars && spec.x.length <= 48 },
      })),
    ],
  };
}

/** The uPlot drawing of one chart (a canvas), sized to its container and redrawn when that changes.
 *  Axis text takes the container's text colour, so it follows the page's theme. */
export function UPlotChart({ spec }: { spec: ChartSpec }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const ink = getComputedStyle(element).color || "#0f172a";
    const data = [spec.x, ...spec.series.map((series) => series.values)] as uPlot.AlignedData;
    const chart = new uPlot(options(spec, element.clientWidth || 600, ink), data, element);
    const resize = new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [spec]);
  return <div ref={container} className="w-full" data-chart={spec.id} />;
}
