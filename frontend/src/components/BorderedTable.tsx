import type { ReactNode } from "react";

/** A column of a `BorderedTable`: `hidden` labels it for screen readers only (an actions column). */
export type TableColumn = { label: string; hidden?: boolean };

/** A page's main table: bordered, scrolling sideways on narrow screens, its caption for screen readers. */
export function BorderedTable({
  caption,
  columns,
  children,
}: {
  caption: string;
  columns: TableColumn[];
  children: ReactNode;
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="border-b border-slate-200 text-xs uppercase text-slate-600">
            {columns.map((column) => (
              <th key={column.label} scope="col" className="p-2 font-medium">
                {column.hidden ? <span className="sr-only">{column.label}</span> : column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
