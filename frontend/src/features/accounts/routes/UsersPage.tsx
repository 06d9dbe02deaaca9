import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import { ErrorAlert } from "@/components/ErrorAlert";
import { PageHeader } from "@/components/PageHeader";
import { Pagination } from "@/components/Pagination";
import { Card, CardContent } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useSession } from "@/lib/session";
import { useUsers, type Role, type UserFilters as Filters } from "../api/list-users";
import { AccountChangeDialog, type AccountChange } from "../components/AccountChangeDialog";
import { UserFilters } from "../components/UserFilters";
import { UsersTable } from "../components/UsersTable";

const PAGE_SIZE = 50;

function filtersOf(params: URLSearchParams): Filters {
  const active = params.get("is_active");
  return {
    role: (params.get("role") || undefined) as Role | undefined,
    is_active: active === null ? undefined : active === "true",
  };
}

export function UsersPage() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const offset = Math.max(0, Number(params.get("offset")) || 0);
  const users = useUsers({ ...filters, limit: PAGE_SIZE, offset });
  const [pending, setPending] = useState<AccountChange | null>(null);

  function show(next: Filters & { offset?: number }) {
    const search = new URLSearchParams();
    Object.entries(next).forEach(
      ([key, value]) => value !== undefined && value !== 0 && search.set(key, String(value)),
    );
    setParams(search, { replace: true });
  }

  return (
    <>
      <PageHeader
        title="Users"
        description="Every account on the platform. Each change is confirmed first and audited."
      />
      <UserFilters values={filters} onChange={show} />
      <ErrorAlert error={users.error} title="The users could not be loaded" />
      {users.isPending && <Skeleton className="h-48 w-full" />}
      {users.data &&
        (users.data.users.length === 0 ? (
          <Card>
            <CardContent className="py-8 text-center text-sm">No accounts match these filters.</CardContent>
          </Card>
        ) : (
          <>
            <UsersTable users={users.data.users} currentUserId={session?.user.id} onChange={setPending} />
            <Pagination
              total={users.data.total}
              limit={PAGE_SIZE}
              offset={offset}
              onOffsetChange={(o) => show({ ...filters, offset: o })}
            />
          </>
        ))}
      <AccountChangeDialog pending={pending} onClose={() => setPending(null)} />
    </>
  );
}
