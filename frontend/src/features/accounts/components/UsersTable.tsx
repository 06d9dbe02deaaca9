import { BorderedTable } from "@/components/BorderedTable";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatDateTime } from "@/lib/format";
import type { Account } from "../api/list-users";
import type { AccountChange } from "./AccountChangeDialog";

type UsersTableProps = {
  users: Account[];
  currentUserId: string | undefined;
  onChange: (change: AccountChange) => void;
};

export function UsersTable({ users, currentUserId, onChange }: UsersTableProps) {
  return (
    <BorderedTable
      caption="Accounts, oldest first"
      columns={[
        { label: "User" },
        { label: "Role" },
        { label: "Status" },
        { label: "Since" },
        { label: "Actions", hidden: true },
      ]}
    >
      {users.map((account) => (
        <tr key={account.id} className="border-b border-slate-100 last:border-0">
          <td className="p-2">
            <span className="font-medium">{account.username}</span>
            {account.id === currentUserId && <span className="text-slate-600"> (you)</span>}
            <p className="break-all text-xs text-slate-600">{account.email}</p>
          </td>
          <td className="p-2">
            <Badge tone={account.role === "admin" ? "info" : "neutral"}>{account.role}</Badge>
          </td>
          <td className="p-2">
            <Badge tone={account.is_active ? "success" : "danger"}>
              {account.is_active ? "active" : "deactivated"}
            </Badge>
          </td>
          <td className="whitespace-nowrap p-2 text-xs text-slate-600">
            <time dateTime={account.created_at}>{formatDateTime(account.created_at)}</time>
          </td>
          <td className="p-2">
            <div className="flex flex-wrap justify-end gap-2">
              <Button
                variant="outline"
                size="sm"
                aria-label={`${account.role === "admin" ? "Make tenant" : "Make admin"}: ${account.username}`}
                onClick={() => onChange({ account, change: { role: account.role === "admin" ? "tenant" : "admin" } })}
              >
                {account.role === "admin" ? "Make tenant" : "Make admin"}
              </Button>
              <Button
                variant={account.is_active ? "destructive" : "outline"}
                size="sm"
                aria-label={`${account.is_active ? "Deactivate" : "Reactivate"} ${account.username}`}
                onClick={() => onChange({ account, change: { is_active: !account.is_active } })}
              >
                {account.is_active ? "Deactivate" : "Reactivate"}
              </Button>
            </div>
          </td>
        </tr>
      ))}
    </BorderedTable>
  );
}
