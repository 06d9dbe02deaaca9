import { Select } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { Role, UserFilters as Filters } from "../api/list-users";

type UserFiltersProps = { values: Filters; onChange: (values: Filters) => void };

const ACTIVE_VALUES: Record<string, boolean | undefined> = { "": undefined, active: true, inactive: false };

/** Each choice applies at once: both lists are short and closed. */
export function UserFilters({ values, onChange }: UserFiltersProps) {
  const active = values.is_active === undefined ? "" : values.is_active ? "active" : "inactive";
  return (
    <div role="search" aria-label="Filter the users" className="mb-4 grid gap-3 sm:grid-cols-3">
      <div className="space-y-1">
        <Label htmlFor="users-role">Role</Label>
        <Select
          id="users-role"
          value={values.role ?? ""}
          onChange={(e) => onChange({ ...values, role: (e.target.value || undefined) as Role | undefined })}
        >
          <option value="">Any role</option>
          <option value="admin">Admin</option>
          <option value="tenant">Tenant</option>
        </Select>
      </div>
      <div className="space-y-1">
        <Label htmlFor="users-active">Status</Label>
        <Select
          id="users-active"
          value={active}
          onChange={(e) => onChange({ ...values, is_active: ACTIVE_VALUES[e.target.value] })}
        >
          <option value="">Active and deactivated</option>
          <option value="active">Active</option>
          <option value="inactive">Deactivated</option>
        </Select>
      </div>
    </div>
  );
}
