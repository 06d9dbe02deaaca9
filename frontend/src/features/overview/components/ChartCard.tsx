/* eslint-disable jsx-a11y/no-noninteractive-tabindex -- a table that scrolls must be reachable by
   keyboard (axe: scrollable-region-focusable) */
import { useId, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import type { ChartSpec } from "../lib/charts";

function Legend({ spec }: { spec: ChartSpec }) {
  if (spec.series.length < 2) return null;
  return (
    <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs" aria-label={`${spec.title}: series`}>
      {spec.series.map((series) => (
        <li key={series.label} className="flex items-center gap-1">
          <span aria-hidden="true" className="inline-block h-1 w-4 rounded" style={{ backgroundColor: series.color }} />
          {series.label}
        </li>
      ))}
    </ul>
  );
}

function DataTable({ spec, id }: { spec: ChartSpec; id: string }) {
  return (
    <div
      id={id}
      role="region"
      aria-label={`${spec.title}: data`}
      tabIndex={0}
      className="mt-3 max-h-72 overflow-auto rounded border border-slate-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-600"
    >
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{spec.title}</caption>
        <thead className="sticky top-0 bg-slate-100">
          <tr>
            {spec.columns.map((column) => (
              <th key={column} scope="col" className="px-2 py-1 font-medium">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {spec.rows.map((row, index) => (
            <tr key={index} className="border-t border-slate-100">
              {row.map((value, column) =>
                column === 0 ? (
                  <th key={column} scope="row" className="px-2 py-1 font-normal">
                    {value}
                  </th>
                ) : (
                  <td key={column} className="px-2 py-1 tabular-nums">
                    {value}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A chart with its title and what it measures; its data as a table on demand. The drawing is an
 *  image to assistive technology, named by a one-sentence summary (the table has every number). */
export function ChartCard({ spec, children }: { spec: ChartSpec; children: ReactNode }) {
  const [showTable, setShowTable] = useState(false);
  const headingId = useId();
  const tableId = useId();
  return (
    <Card>
      <figure aria-labelledby={headingId} className="m-0">
        <CardHeader className="flex flex-wrap items-start justify-between gap-2">
          <div className="min-w-0">
            <h3 id={headingId} className="text-base font-semibold">
              {spec.title}
            </h3>
            <p className="text-xs text-slate-600">{spec.description}</p>
          </div>
          <Button
            variant="outline"
            size="sm"
            aria-expanded={showTable}
            aria-controls={showTable ? tableId : undefined}
            onClick={() => setShowTable((shown) => !shown)}
          >
            {showTable ? "Hide table" : "Show data as table"}
            <span className="sr-only">: {spec.title}</span>
          </Button>
        </CardHeader>
        <CardContent>
          {spec.empty ? (
            <p className="py-8 text-center text-sm text-slate-600">No data in this range.</p>
          ) : (
            <div role="img" aria-label={spec.summary}>
              {children}
            </div>
          )}
          {!spec.empty && <Legend spec={spec} />}
          {showTable && <DataTable spec={spec} id={tableId} />}
        </CardContent>
      </figure>
    </Card>
  );
}
