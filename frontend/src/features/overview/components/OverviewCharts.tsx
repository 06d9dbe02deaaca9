import { useMemo } from "react";
import type { FleetStats } from "../api/get-fleet-stats";
import { overviewCharts } from "../lib/charts";
import { ChartCard } from "./ChartCard";
import { UPlotChart } from "./UPlotChart";

/** Every chart of the overview. Loaded on its own (React.lazy in OverviewPage): uPlot stays out of the
 *  bundle until the overview is shown. */
export default function OverviewCharts({ stats }: { stats: FleetStats }) {
  const specs = useMemo(() => overviewCharts(stats), [stats]);
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      {specs.map((spec) => (
        <ChartCard key={spec.id} spec={spec}>
          <UPlotChart spec={spec} />
        </ChartCard>
      ))}
    </div>
  );
}
