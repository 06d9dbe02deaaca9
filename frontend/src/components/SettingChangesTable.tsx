import type { Schemas } from "@/lib/api/client";

function shown(value: string | null): string {
  return value ?? "(none)";
}

/** The settings a rollback or a revert would change, now and after (from the store's rollback preview). */
export function SettingChangesTable({ changes }: { changes: Schemas["RollbackChange"][] }) {
  return (
    <table className="w-full text-left text-sm" aria-label="What changes">
      <thead>
        <tr className="text-xs uppercase text-slate-600">
          <th className="py-1 pr-2 font-medium">Setting</th>
          <th className="py-1 pr-2 font-medium">Now</th>
          <th className="py-1 font-medium">After</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((change) => (
          <tr key={change.field} className="border-t border-slate-100">
            <td className="py-1 pr-2 font-medium">{change.field}</td>
            <td className="py-1 pr-2 text-red-800 line-through">{shown(change.current)}</td>
            <td className="py-1 text-green-800">{shown(change.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
